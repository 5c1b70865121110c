"""Built-in models: Go 1.23's lock-free runtime algorithms, the hotfix write-up's variants,
seeded bugs (``bug-<what>``, expected to fail) and the litmus tests.

Each :class:`ModelSpec` names what it models, which CLI parameters it takes, and the verdict
expected under each memory model ("ok" or "violation") - the tests assert exactly these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from goschedlab.explore.execution import Instance
from goschedlab.explore.models.litmus import LITMUS, litmus
from goschedlab.explore.models.procstate import build_acquirep, build_casgstatus
from goschedlab.explore.models.runq import Variant
from goschedlab.explore.models.runq import build as build_runq

ALL_OK = {"sc": "ok", "tso": "ok", "arm": "ok"}
ALL_FAIL = {"sc": "violation", "tso": "violation", "arm": "violation"}
ARM_FAIL = {"sc": "ok", "tso": "ok", "arm": "violation"}
RUNQ_PARAMS = ("threads", "ops", "capacity")


@dataclass(frozen=True)
class ModelSpec:
    """A built-in model: name, one-line summary, builder, expected verdicts, parameters."""

    name: str
    summary: str
    build: Callable[..., Instance]
    expect: dict[str, str]
    params: tuple[str, ...] = ()
    defaults: dict[str, int] = field(default_factory=dict)

    @property
    def seeded_bug(self) -> bool:
        return self.name.startswith("bug-")


def _runq(v: Variant, **fixed: object) -> Callable[..., Instance]:
    def make(name: str, threads: int = 3, ops: int = 5, capacity: int = 4) -> Instance:
        return build_runq(name, v, threads=threads, ops=ops, capacity=capacity, **fixed)  # type: ignore[arg-type]

    return make


_RUNQ_DEFAULTS = {"threads": 3, "ops": 5, "capacity": 4}

_SPECS = [
    ModelSpec(
        "runq",
        "Go 1.23 run queue: owner runqput (runnext, overflow via runqputslow to "
        "the locked global queue) and runqget; thieves runqsteal/runqgrab",
        _runq(Variant()),
        ALL_OK,
        RUNQ_PARAMS,
        _RUNQ_DEFAULTS,
    ),
    ModelSpec(
        "hotfix-runqget",
        "hotfix write-up 2.1: its runqget (no retry on CAS failure) run "
        "by several Ms on one P; loses nothing, may return nil spuriously",
        _runq(Variant(hotfix_runqget=True)),
        ALL_OK,
        RUNQ_PARAMS,
        _RUNQ_DEFAULTS,
    ),
    ModelSpec(
        "hotfix-steal",
        "hotfix write-up 2.2: its XCHG+CAS 'lock-free steal' against "
        "Go's owner code (the XCHG'd head breaks the owner's index arithmetic)",
        _runq(Variant(hotfix_steal=True)),
        ALL_FAIL,
        RUNQ_PARAMS,
        _RUNQ_DEFAULTS,
    ),
    ModelSpec(
        "acquirep",
        "Go 1.23 wirep (plain stores m.p, p.m, status) vs a reader checking "
        "status == _Prunning implies p.m != nil (Go does not promise this reader)",
        lambda name: build_acquirep(name),
        ARM_FAIL,
    ),
    ModelSpec(
        "acquirep-releasep",
        "acquirep then releasep vs the same lock-free reader: two "
        "plain loads are no snapshot, fails even under SC",
        lambda name: build_acquirep(name, release=True),
        ALL_FAIL,
    ),
    ModelSpec(
        "hotfix-acquirep-before",
        "hotfix write-up 2.4 'before': status stored before p.m (atomic stores and loads)",
        lambda name: build_acquirep(name, hotfix="before"),
        ALL_FAIL,
    ),
    ModelSpec(
        "hotfix-acquirep-after",
        "hotfix write-up 2.4 'after': p.m then status, atomic stores, atomic loads in the reader",
        lambda name: build_acquirep(name, hotfix="after"),
        ALL_OK,
    ),
    ModelSpec(
        "casgstatus",
        "Go 1.23 casgstatus park/ready racing a GC scanner's castogscanstatus/casfrom_Gscanstatus",
        lambda name: build_casgstatus(name),
        ALL_OK,
    ),
    ModelSpec(
        "variant-no-bound-recheck",
        "runqgrab without its 'n > len/2: inconsistent h and t' retry; passes: its CAS on "
        "runqhead fails whenever h and t were inconsistent, so Go's re-check is defensive",
        _runq(Variant(no_bound_recheck=True)),
        ALL_OK,
        RUNQ_PARAMS,
        _RUNQ_DEFAULTS,
    ),
    ModelSpec(
        "bug-tail-before-slot",
        "runqput publishes runqtail before writing the slot",
        _runq(Variant(tail_before_slot=True)),
        ALL_FAIL,
        RUNQ_PARAMS,
        _RUNQ_DEFAULTS,
    ),
    ModelSpec(
        "bug-slot-after-cas",
        "runqgrab reads the stolen slots after its CAS on runqhead",
        _runq(Variant(slot_after_cas=True)),
        ALL_FAIL,
        RUNQ_PARAMS,
        _RUNQ_DEFAULTS,
    ),
    ModelSpec(
        "bug-relaxed-tail-store",
        "runqput publishes runqtail with a plain store where Go uses StoreRel",
        _runq(Variant(relaxed_tail_store=True)),
        ARM_FAIL,
        RUNQ_PARAMS,
        _RUNQ_DEFAULTS,
    ),
    ModelSpec(
        "bug-relaxed-tail-load",
        "runqgrab reads runqtail with a plain load where Go uses LoadAcq",
        _runq(Variant(relaxed_tail_load=True)),
        ARM_FAIL,
        RUNQ_PARAMS,
        _RUNQ_DEFAULTS,
    ),
    ModelSpec(
        "bug-runnext-plain-store",
        "runqgrab takes runnext with a plain store instead of "
        "CAS (owner parks Gs in runnext and runqgets them)",
        _runq(Variant(runnext_plain_store=True), prefill=0, cycle=("putnext", "get")),
        ALL_FAIL,
        RUNQ_PARAMS,
        {"threads": 2, "ops": 2, "capacity": 4},
    ),
    ModelSpec(
        "bug-putslow-plain-head",
        "runqputslow moves runqhead with a plain store instead of CAS, racing thieves",
        _runq(Variant(putslow_plain_head=True)),
        ALL_FAIL,
        RUNQ_PARAMS,
        _RUNQ_DEFAULTS,
    ),
    ModelSpec(
        "bug-casgstatus-plain",
        "casgstatus as load, compare, plain store instead of CAS",
        lambda name: build_casgstatus(name, plain=True),
        ALL_FAIL,
    ),
]

# litmus tests as models: no check of their own, listed for --list and exploration statistics
for _name, _what in LITMUS.items():
    _SPECS.append(
        ModelSpec(
            f"litmus-{_name}", "litmus test: " + _what, lambda name, _n=_name: litmus(_n), ALL_OK
        )
    )

MODELS: dict[str, ModelSpec] = {s.name: s for s in _SPECS}

__all__ = ["MODELS", "ModelSpec"]
