"""Where runs come from: a results directory, our Go programs run now, or the simulator.

A *group* maps a case key ``(workload, setting, gomaxprocs)`` to its runs (one JSON object per
repetition or seed), all in the refcorpus layout.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from goschedlab.errors import UserInputError
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


def write_json_atomic(path: Path, obj: Any) -> None:
    """Write JSON to a temp file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(obj, fh, indent=1, sort_keys=True)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_real(
    tc: Any,
    selection: Mapping[str, set[str] | None],
    gomaxprocs: Iterable[int],
    reps: int,
    *,
    save_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Group:
    """Run our Go version of every selected case ``reps`` times with toolchain ``tc``.

    Repetitions are the outer loop (as in the corpus), so slow host drift spreads over all
    cases.  With ``save_dir`` each run is also written in the refcorpus layout.
    """
    cases = [
        (w, s, g)
        for w, settings in SETTINGS.items()
        for s in settings
        if _selected(selection, w, s)
        for g in gomaxprocs
    ]
    out: Group = {c: [] for c in cases}
    for rep in range(1, reps + 1):
        for w, s, g in cases:
            if progress:
                progress(f"go{tc.version} {w}/{s} GOMAXPROCS={g} rep {rep}/{reps}")
            run = Program(w).run(tc, SETTINGS[w][s], gomaxprocs=g)
            out[(w, s, g)].append(run)
            if save_dir is not None:
                write_json_atomic(Path(save_dir) / w / f"{s}-gmp{g}-rep{rep}.json", run)
    return out


def load_simulator() -> Simulator:
    """The project's simulator as a :data:`Simulator` (``goschedlab.workloads.simulate``)."""
    try:
        from goschedlab import workloads
    except ImportError as err:  # pragma: no cover - depends on the simulator being installed
        raise UserInputError(f"the simulator is not available ({err}); use --sim DIR") from None
    fn = getattr(workloads, "simulate", None)
    if fn is None:
        raise UserInputError(
            "the simulator is not available yet (goschedlab.workloads.simulate is missing); "
            "use --sim DIR to compare against other results"
        )

    def simulate(workload: str, params: Mapping[str, Any], gomaxprocs: int, seed: int) -> Any:
        return fn(workload, dict(params), gomaxprocs=gomaxprocs, seed=seed)

    return simulate


def simulate_group(
    simulate: Simulator,
    real: Group,
    seeds: int,
    *,
    progress: Callable[[str], None] | None = None,
) -> Group:
    """Simulate every real case at its GOMAXPROCS with seeds 1..``seeds``.

    The parameters are the real runs' own ``params`` (so results measured elsewhere, with other
    flags, are simulated as run); cases without params use the corpus setting's flags.
    """
    out: Group = {}
    for (w, s, g), runs in real.items():
        params = dict(runs[0].get("params") or setting_params(w, s))
        sims = []
        for seed in range(1, seeds + 1):
            if progress:
                progress(f"simulate {w}/{s} GOMAXPROCS={g} seed {seed}/{seeds}")
            res = simulate(w, params, g, seed)
            if not isinstance(res, Mapping):
                raise TypeError(f"simulate({w!r}) returned {type(res).__name__}, expected a dict")
            sims.append(dict(res))
        out[(w, s, g)] = sims
    return out
