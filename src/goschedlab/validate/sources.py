"""Where runs come from: a results directory, our Go programs run now, or the simulator.

A *group* maps a case key ``(workload, setting, gomaxprocs)`` to its runs (one JSON object per
repetition or seed), all in the refcorpus layout.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from goschedlab.errors import UserInputError
from goschedlab.fileio import write_atomic
from goschedlab.realgo.programs import SETTINGS, WORKLOADS, Program, setting_params

CaseKey = tuple[str, str, int]
Group = dict[CaseKey, list[dict[str, Any]]]
#: ``simulate(workload, setting_params, gomaxprocs, seed) -> run dict in the refcorpus layout``.
Simulator = Callable[[str, Mapping[str, Any], int, int], Mapping[str, Any]]

_FILE_RE = re.compile(r"^(?P<setting>.+)-gmp(?P<gmp>\d+)-rep(?P<rep>\d+)\.json$")


def shipped_results(go_version: str) -> Path | None:
    """The shipped refcorpus results of ``go<version>`` (package data), if there are any."""
    p = Path(str(resources.files("goschedlab") / "data" / "refcorpus" / f"go{go_version}"))
    return p if p.is_dir() else None


def read_run(path: Path) -> dict[str, Any]:
    """One result JSON; malformed input raises UserInputError naming file, line and column."""
    try:
        text = path.read_text()
    except OSError as err:
        raise UserInputError(f"{path}: cannot read ({err.strerror})") from None
    try:
        run = json.loads(text)
    except json.JSONDecodeError as err:
        raise UserInputError(
            f"{path}:{err.lineno}:{err.colno}: not valid JSON ({err.msg}); expected one run object"
        ) from None
    if not isinstance(run, dict) or "makespan_ns" not in run:
        raise UserInputError(f"{path}: expected a run object with a makespan_ns field")
    return run


def parse_selection(spec: str | None) -> dict[str, set[str] | None]:
    """``--workloads`` value: comma list of ``workload`` or ``workload/setting`` entries.

    Returns workload -> set of settings (None = all).  Empty/None means every workload.
    """
    if not spec:
        return {w: None for w in WORKLOADS}
    out: dict[str, set[str] | None] = {}
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        w, _, s = item.partition("/")
        if w not in SETTINGS:
            raise UserInputError(
                f"--workloads: unknown workload {w!r} (expected one of {', '.join(WORKLOADS)})"
            )
        if s and s not in SETTINGS[w]:
            known = ", ".join(SETTINGS[w])
            raise UserInputError(f"--workloads: {w} has no setting {s!r} (expected one of {known})")
        if s:
            cur = out.get(w, set())
            if cur is not None:
                cur.add(s)
                out[w] = cur
        else:
            out[w] = None
    return out


def _selected(sel: Mapping[str, set[str] | None], workload: str, setting: str) -> bool:
    if workload not in sel:
        return False
    settings = sel[workload]
    return settings is None or setting in settings


def load_dir(
    root: Path,
    selection: Mapping[str, set[str] | None] | None = None,
    gomaxprocs: Iterable[int] | None = None,
    reps: int | None = None,
) -> Group:
    """Read ``root/<workload>/<setting>-gmp<N>-rep<K>.json`` (the refcorpus results layout).

    Only selected workloads/settings and GOMAXPROCS values are read; ``reps`` keeps repetitions
    1..reps.  Files not following the naming scheme are ignored; ``calibrate`` is not a case.
    """
    root = Path(root)
    if not root.is_dir():
        raise UserInputError(f"--real/--sim {root}: not a directory (expected a results tree "
                             "<workload>/<setting>-gmp<N>-rep<K>.json)")
    sel = selection if selection is not None else parse_selection(None)
    gmps = set(gomaxprocs) if gomaxprocs is not None else None
    found: dict[CaseKey, list[tuple[int, dict[str, Any]]]] = {}
    for wdir in sorted(p for p in root.iterdir() if p.is_dir()):
        if wdir.name not in SETTINGS:
            continue
        for f in sorted(wdir.glob("*.json")):
            m = _FILE_RE.match(f.name)
            if not m:
                continue
            setting, gmp, rep = m["setting"], int(m["gmp"]), int(m["rep"])
            if not _selected(sel, wdir.name, setting) or (gmps is not None and gmp not in gmps):
                continue
            if reps is not None and rep > reps:
                continue
            found.setdefault((wdir.name, setting, gmp), []).append((rep, read_run(f)))
    if not found:
        raise UserInputError(f"{root}: no result files for the selected workloads/GOMAXPROCS")
    return {k: [r for _, r in sorted(v, key=lambda t: t[0])] for k, v in sorted(found.items())}


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temp file beside ``path`` and rename it into place (never half a
    file); the file gets the usual umask-derived permissions."""
    write_atomic(path, text)


def write_json_atomic(path: Path, obj: Any) -> None:
    """Write ``obj`` as JSON atomically (see :func:`write_text_atomic`)."""
    write_text_atomic(path, json.dumps(obj, indent=1, sort_keys=True) + "\n")


def host_verdict(run: Mapping[str, Any]) -> str:
    """Was the host quiet during this run's measured phase?  The corpus's gate criteria:

    ``ok``: other processes used at most 20 ms + 3 % of makespan x ncpu of CPU;
    ``ok-shared``: GOMAXPROCS < ncpu (not syscall-block/calibrate, whose threads outnumber the
    CPUs), the others stayed on the spare CPUs, and our threads waited on an OS run queue at
    most 5 ms + 3 % of the makespan; ``noisy``: anything else (also when the fields are absent).
    """
    h = run.get("host_cpu_phase")
    try:
        other, wall = float(h["other_cpu_ns"]), float(run["makespan_ns"])  # type: ignore[index]
        ncpu, gmp = int(run["num_cpu"]), int(run["gomaxprocs"])
        rq = float(h.get("own_threads_rqwait_ns", 0))  # type: ignore[union-attr]
    except (KeyError, TypeError, ValueError):
        return "noisy"
    margin = 20e6 + 0.03 * wall * ncpu
    if other <= margin:
        return "ok"
    if (gmp < ncpu and run.get("workload") not in ("syscall-block", "calibrate")
            and other <= (ncpu - gmp) * wall + margin and rq <= 5e6 + 0.03 * wall):
        return "ok-shared"
    return "noisy"


def run_real(
    tc: Any,
    selection: Mapping[str, set[str] | None],
    gomaxprocs: Iterable[int],
    reps: int,
    *,
    attempts: int = 3,
    save_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Group:
    """Run our Go version of every selected case ``reps`` times with toolchain ``tc``.

    Repetitions are the outer loop (as in the corpus), so slow host drift spreads over all
    cases.  A run that :func:`host_verdict` calls noisy is repeated, up to ``attempts`` runs
    in all; the least disturbed one (least CPU used by other processes) is kept.  With
    ``save_dir`` each kept run is also written in the refcorpus layout, with the machine's
    ``machine.txt``.
    """
    cases = [
        (w, s, g)
        for w, settings in SETTINGS.items()
        for s in settings
        if _selected(selection, w, s)
        for g in gomaxprocs
    ]
    out: Group = {c: [] for c in cases}
    if save_dir is not None:  # the machine beside its runs, as the corpus's machine.txt
        from goschedlab.validate.machine import describe_machine, machine_text

        write_text_atomic(Path(save_dir) / "machine.txt",
                          machine_text(describe_machine(f"go{tc.version}")))
    for rep in range(1, reps + 1):
        for w, s, g in cases:
            tried: list[dict[str, Any]] = []
            for attempt in range(1, max(1, attempts) + 1):
                if progress:
                    again = f" (attempt {attempt}: host busy)" if attempt > 1 else ""
                    progress(f"go{tc.version} {w}/{s} GOMAXPROCS={g} rep {rep}/{reps}{again}")
                tried.append(Program(w).run(tc, SETTINGS[w][s], gomaxprocs=g))
                if host_verdict(tried[-1]) != "noisy":
                    break
            run = min(tried, key=lambda r: float(r.get("host_cpu_phase", {}).get(
                "other_cpu_ns", 0)) if host_verdict(r) == "noisy" else -1.0)
            out[(w, s, g)].append(run)
            if save_dir is not None:
                write_json_atomic(Path(save_dir) / w / f"{s}-gmp{g}-rep{rep}.json", run)
    return out


def load_simulator(costs: Any = None) -> Simulator:
    """The project's simulator as a :data:`Simulator` (``goschedlab.workloads.simulate``).

    The corpus ``params`` are passed as overrides (``trace``, a flag of the Go programs only,
    is left out); the returned callable also takes ``ncpu`` (the real run's ``num_cpu``: the
    corpus machine has 2 CPUs also when GOMAXPROCS is 1) and returns the run's JSON dict.
    ``costs`` (a ``Costs``, e.g. from ``goschedlab calibrate``) replaces the default costs.
    """
    try:
        from goschedlab.workloads import simulate as fn
    except ImportError as err:
        raise UserInputError(
            f"the simulator is not available ({err}); use --sim DIR to compare against results"
        ) from None

    def simulate(workload: str, params: Mapping[str, Any], gomaxprocs: int, seed: int,
                 ncpu: int | None = None) -> Mapping[str, Any]:
        overrides = {k: v for k, v in params.items() if k != "trace"}
        extra = {"costs": costs} if costs is not None else {}
        out = fn(workload, overrides=overrides, gomaxprocs=gomaxprocs, ncpu=ncpu, seed=seed,
                 **extra)
        return out.result if hasattr(out, "result") else out

    return simulate


def _takes_ncpu(fn: Callable[..., Any]) -> bool:
    try:
        return "ncpu" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


#: Key of the placeholder run recorded when the simulator raised (non-strict mode).
SIM_ERROR = "simulator_error"


def simulate_group(
    simulate: Simulator,
    real: Group,
    seeds: int,
    *,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Group:
    """Simulate every real case at its GOMAXPROCS with seeds 1..``seeds``.

    The parameters are the real runs' own ``params`` (so results measured elsewhere, with other
    flags, are simulated as run); cases without params use the corpus setting's flags.  A
    simulator taking an ``ncpu`` keyword gets the real run's ``num_cpu``.  If the simulator
    raises, the run is recorded as ``{SIM_ERROR: "Type: message"}`` so the case fails with that
    note (the report names it, nothing is dropped); ``strict`` re-raises instead.
    """
    out: Group = {}
    with_ncpu = _takes_ncpu(simulate)
    for (w, s, g), runs in real.items():
        params = dict(runs[0].get("params") or setting_params(w, s))
        sims = []
        for seed in range(1, seeds + 1):
            if progress:
                progress(f"simulate {w}/{s} GOMAXPROCS={g} seed {seed}/{seeds}")
            ncpu = runs[0].get("num_cpu")
            try:
                if with_ncpu and isinstance(ncpu, int):
                    res = simulate(w, params, g, seed, ncpu=ncpu)  # type: ignore[call-arg]
                else:
                    res = simulate(w, params, g, seed)
            except Exception as err:  # noqa: BLE001 - reported per case, see SIM_ERROR
                if strict:
                    raise
                first = (str(err).splitlines() or [""])[0]
                sims.append({SIM_ERROR: f"{type(err).__name__}: {first}"[:300]})
                continue
            if not isinstance(res, Mapping):
                raise TypeError(f"simulate({w!r}) returned {type(res).__name__}, expected a dict")
            sims.append(dict(res))
        out[(w, s, g)] = sims
    return out
