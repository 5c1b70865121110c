"""P: a processor (runtime2.go: type p), its statuses and ``casPstatus``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from goschedlab.runtime.errors import Throw

if TYPE_CHECKING:
    from goschedlab.runtime.g import G
    from goschedlab.runtime.m import M
    from goschedlab.runtime.runtime import Runtime

_Pidle: Final = 0
_Prunning: Final = 1
_Psyscall: Final = 2
_Pgcstop: Final = 3
_Pdead: Final = 4

PSTATUS_NAMES: Final = {0: "_Pidle", 1: "_Prunning", 2: "_Psyscall", 3: "_Pgcstop", 4: "_Pdead"}

# Legal (old, new) pairs, spec 2.3; -1 is "new P" ((*p).init).
_LEGAL_P_PAIRS: Final = (
    (-1, _Pgcstop),
    (_Pgcstop, _Pidle),
    (_Pgcstop, _Prunning),
    (_Pidle, _Prunning),
    (_Prunning, _Pidle),
    (_Prunning, _Psyscall),
    (_Psyscall, _Pidle),
    (_Psyscall, _Pgcstop),
    (_Prunning, _Pgcstop),
    (_Pidle, _Pgcstop),
    (_Pidle, _Pdead),
    (_Prunning, _Pdead),
    (_Psyscall, _Pdead),
    (_Pgcstop, _Pdead),
    (_Pdead, _Pgcstop),
)
LEGAL_P_PAIRS: Final = frozenset(_LEGAL_P_PAIRS)


class P:
    """A processor (runtime2.go: type p).

    The local run queue is ``runq`` (a fixed list of ``runq_capacity`` slots) indexed by the
    free-running ``runqhead``/``runqtail`` (modulo 2**32 as Go's uint32; slot = index % cap),
    plus ``runnext``.  ``timers`` is the per-P timer heap (see timers.py).  ``idle`` and
    ``timerp`` are this P's bits of Go's idlepMask / timerpMask.
    """

    __slots__ = (
        "id",
        "status",
        "link",
        "schedtick",
        "syscalltick",
        "sysmontick",
        "m",
        "runqhead",
        "runqtail",
        "runq",
        "runqcap",
        "runnext",
        "runnext_held",
        "runnext_until",
        "gFree",
        "goidcache",
        "goidcacheend",
        "timers",
        "preempt",
        "idle",
        "timerp",
        "node",
    )

    def __init__(self, id: int, runq_capacity: int = 256) -> None:
        self.id = id
        self.status = -1
        self.link: P | None = None
        self.schedtick = 0
        self.syscalltick = 0
        self.sysmontick = SysmonTick()
        self.m: M | None = None
        self.runqhead = 0
        self.runqtail = 0
        self.runqcap = runq_capacity
        self.runq: list[G | None] = [None] * runq_capacity
        self.runnext: G | None = None
        # The runnext G the owner took in schedule, and until when other Ps still see it
        # there (runq.runnextSeen): the owner reaches runqget only after paying for the
        # work the model charged it before (its debt).
        self.runnext_held: G | None = None
        self.runnext_until = 0
        self.gFree: list[G] = []
        self.goidcache = 0
        self.goidcacheend = 0
        self.timers: list[Any] = []
        self.preempt = False
        self.idle = False
        self.timerp = False
        self.node = 0  # NUMA node (Config.numa_nodes)

    @property
    def gfreecnt(self) -> int:
        """``p.gFree.n`` as scheddetail prints it."""
        return len(self.gFree)

    @property
    def runqsize(self) -> int:
        """``runqtail - runqhead`` (runnext not counted), as schedtrace prints it."""
        return (self.runqtail - self.runqhead) & 0xFFFFFFFF

    def __repr__(self) -> str:
        return f"P{self.id}({PSTATUS_NAMES.get(self.status, self.status)})"


class SysmonTick:
    """Sysmon's last observation of a P (runtime2.go: type sysmontick)."""

    __slots__ = ("schedtick", "schedwhen", "syscalltick", "syscallwhen")

    def __init__(self) -> None:
        self.schedtick = 0
        self.schedwhen = 0
        self.syscalltick = 0
        self.syscallwhen = 0


def casPstatus(rt: Runtime, pp: P, old: int, new: int, fn: str) -> None:
    """The one place a P's status changes (spec 2.3); an illegal change throws naming ``fn``.

    Go writes p.status from several call sites (wirep, releasep, reentersyscall, the CASes
    out of _Psyscall, procresize ...); each of ours goes through here with that Go name.
    """
    if pp.status != old or (old, new) not in LEGAL_P_PAIRS:
        raise Throw(
            fn,
            f"bad P status change of {pp!r}: status is "
            f"{PSTATUS_NAMES.get(pp.status, pp.status)}, asked "
            f"{PSTATUS_NAMES.get(old, old)} -> {PSTATUS_NAMES.get(new, new)}",
            rt.sim.now,
        )
    pp.status = new
