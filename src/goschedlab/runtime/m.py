"""M: an OS thread (runtime2.go: type m) plus the model's actor state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from goschedlab.runtime.g import G
    from goschedlab.runtime.p import P

# Model states of an M's actor (what its pending event, if any, will do).
M_IDLE: Final = 0  # parked on sched.midle (stopm), waiting for notewakeup(&m.park)
M_SCHED: Final = 1  # in schedule()/findRunnable, or starting (mstart)
M_RUNNING: Final = 2  # executing m.curg's ops
M_SYSCALL: Final = 3  # its G is in a blocking system call
M_NETPOLL: Final = 4  # blocked in netpoll(delay) without a P
M_SYSMON: Final = 5  # the sysmon thread
M_STATE_NAMES: Final = ("idle", "sched", "running", "syscall", "netpoll", "sysmon")


class M:
    """An OS thread (runtime2.go: type m).

    Go fields: id, curg, p, nextp, oldp, spinning, blocked, lockedg, locks, mallocing,
    throwing, preemptoff, dying, syscalltick, schedlink.  Model fields: ``state`` (one of
    ``M_*``), ``ev`` (its pending engine event), ``debt`` (ns of runtime work done since the
    last time advance, charged before the M's next step), ``spinstart`` (for spin-time stats),
    ``pollUntil`` (carried across findRunnable's two phases), ``unsampledDebt`` (the part of a
    time.Sleep path charged after the next execute's clock read: costs.timesleep_unsampled_ns).
    """

    __slots__ = (
        "id",
        "curg",
        "p",
        "nextp",
        "oldp",
        "spinning",
        "blocked",
        "lockedg",
        "locks",
        "mallocing",
        "throwing",
        "preemptoff",
        "dying",
        "syscalltick",
        "schedlink",
        "state",
        "ev",
        "debt",
        "spinstart",
        "pollUntil",
        "pollNow",
        "wasSpinning",
        "inburst",
        "burst_start",
        "pause_victim",
        "pause_next",
        "parked_at",
        "unsampledDebt",
    )

    def __init__(self, id: int) -> None:
        self.id = id
        self.curg: G | None = None
        self.p: P | None = None
        self.nextp: P | None = None
        self.oldp: P | None = None
        self.spinning = False
        self.blocked = False
        self.lockedg: G | None = None
        self.locks = 0
        self.mallocing = 0
        self.throwing = 0
        self.preemptoff = ""
        self.dying = 0
        self.syscalltick = 0
        self.schedlink: M | None = None
        self.state = M_SCHED
        self.ev: Any = None
        self.debt = 0
        self.spinstart = 0
        self.pollUntil = 0
        self.pollNow = 0
        self.wasSpinning = False
        self.inburst = False
        self.burst_start = 0
        self.pause_victim: P | None = None
        self.pause_next: G | None = None  # the runnext G runqgrab will CAS after usleep(3)
        self.parked_at = -(1 << 62)  # when it last parked (stopm / netpoll): vCPU idle since
        self.unsampledDebt = 0

    def __repr__(self) -> str:
        return f"M{self.id}({M_STATE_NAMES[self.state]})"
