"""Run a scenario on the runtime model and collect its observables (``simulate``'s core).

Builds ``goschedlab.runtime.Runtime`` from a :class:`~goschedlab.runtime.Config`, hooks the
schedtrace formatter into sysmon, runs the scenario's main goroutine with a :class:`Report`,
and assembles the refcorpus-shaped JSON result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from goschedlab import __version__
from goschedlab.errors import UserInputError
from goschedlab.observe.metrics import mcount, probe_runtime
from goschedlab.observe.result import build_result
from goschedlab.observe.schedtrace import SchedTrace
from goschedlab.workloads.corpus import BUILTIN, EXTRA
from goschedlab.workloads.report import Report
from goschedlab.workloads.scenario import Registry, Scenario


class SimulatedProgramDied(UserInputError):
    """The simulated program ended like a crashed Go program (fatal error, deadlock).

    ``lines`` are what Go would print on stderr; the message is the first one.
    """

    def __init__(self, workload: str, lines: tuple[str, ...]) -> None:
        first = lines[0] if lines else "exit status 2"
        super().__init__(f"{workload}: the simulated Go program died: {first}")
        self.lines = lines


def builtin_registry() -> Registry:
    """A fresh registry holding the built-in corpus scenarios."""
    return Registry(BUILTIN)


def model_registry() -> Registry:
    """The corpus scenarios plus the model-only ones (``corpus.EXTRA``, e.g. net-server):
    what ``simulate`` and ``goschedlab workloads`` use when no registry is given."""
    return Registry(BUILTIN + EXTRA)


@dataclass(slots=True)
class SimOutput:
    """What one simulated run produced."""

    scenario: Scenario
    params: dict[str, Any]
    result: dict[str, Any]
    """The JSON result object (refcorpus keys)."""
    schedtrace: list[str]
    """Go-format SCHED lines (empty unless ``schedtrace_ms`` > 0)."""
    report: Report
    runtime: Any
    """The runtime model after the run (for inspection/statistics)."""
    run: Any
    """The runtime's :class:`~goschedlab.runtime.Result` (stats, events, exit code)."""
    gctrace: list[str] = dataclasses.field(default_factory=list)
    """GODEBUG=gctrace=1 lines (empty unless ``gctrace``)."""


def _make_config(cfg_cls: Any, values: dict[str, Any]) -> Any:
    """Instantiate the runtime's Config with the fields it has (others are left default)."""
    if dataclasses.is_dataclass(cfg_cls):
        names = {f.name for f in dataclasses.fields(cfg_cls)}
        return cfg_cls(**{k: v for k, v in values.items() if k in names and v is not None})
    return cfg_cls(**{k: v for k, v in values.items() if v is not None})


def simulate(
    workload: str | Scenario,
    *,
    setting: str | None = None,
    overrides: Iterable[str] | Mapping[str, Any] = (),
    gomaxprocs: int = 2,
    ncpu: int | None = None,
    seed: int = 1,
    schedtrace_ms: int = 0,
    scheddetail: bool = False,
    costs: Any = None,
    registry: Registry | None = None,
    line_sink: Callable[[str], None] | None = None,
    config_extra: Mapping[str, Any] | None = None,
    gogc: int | None = None,
    gctrace: bool = False,
    gctrace_sink: Callable[[str], None] | None = None,
    numa: str | None = None,
    cpu_quota: float | None = None,
    max_threads: int | None = None,
) -> SimOutput:
    """Simulate ``workload`` (a name in ``registry`` or a :class:`Scenario`) once.

    Parameters are the scenario's defaults, then ``setting``'s, then ``overrides``
    (``["g=10", ...]`` or ``{"g": 10}``).  ``gomaxprocs`` defaults to 2, Go's default on the
    2-CPU reference machine; ``ncpu`` defaults to ``gomaxprocs``.  ``line_sink`` receives every
    schedtrace line as it is produced.
    Runtime-breadth options (each validated with a one-line UserInputError): ``gogc`` (the
    GOGC environment; gc-churn's own ``gogc`` parameter is debug.SetGCPercent and wins),
    ``gctrace`` (GODEBUG=gctrace=1 lines into ``SimOutput.gctrace`` and ``gctrace_sink``),
    ``numa`` ("AxB[:distances]": A nodes of B cores; ncpu defaults to A*B), ``cpu_quota``
    (CFS quota in CPUs per 100 ms period), ``max_threads`` (debug.SetMaxThreads).
    Raises :class:`UserInputError` for an unknown workload/setting/parameter and
    :class:`SimulatedProgramDied` (a UserInputError) if the program dies as Go would (deadlock,
    thread limit).
    """
    sc = (
        workload if isinstance(workload, Scenario) else (registry or model_registry()).get(workload)
    )
    params = sc.resolve(setting, overrides)
    if gomaxprocs < 1:
        raise UserInputError(f"--gomaxprocs: expected an integer >= 1, got {gomaxprocs}")
    if ncpu is not None and ncpu < 1:
        raise UserInputError(f"--ncpu: expected an integer >= 1, got {ncpu}")
    if schedtrace_ms < 0:
        raise UserInputError(f"--schedtrace: expected milliseconds >= 0, got {schedtrace_ms}")
    breadth = _breadth_config(gomaxprocs, ncpu, gogc, gctrace, numa, cpu_quota, max_threads)
    if "ncpu" in breadth:
        ncpu = breadth.pop("ncpu")
    env_gogc = 100 if gogc is None else gogc
    run_gogc = int(params.get("gogc", env_gogc)) if sc.name == "gc-churn" else env_gogc
    breadth["gogc"] = run_gogc
    from goschedlab.runtime import Config, Runtime

    values: dict[str, Any] = {
        "gomaxprocs": gomaxprocs,
        "ncpu": ncpu if ncpu is not None else gomaxprocs,
        "seed": seed,
        "costs": costs,
        "schedtrace_ms": schedtrace_ms,
        "scheddetail": scheddetail,
    }
    values.update(breadth)
    if config_extra:
        values.update(config_extra)
    cfg = _make_config(Config, values)
    rt = Runtime(cfg)
    if gctrace and hasattr(rt, "gc"):
        rt.gc.trace_sink = gctrace_sink
    tracer = SchedTrace(rt, detailed=scheddetail, sink=line_sink)
    if schedtrace_ms > 0:
        rt.schedtrace_cb = tracer  # sysmon calls it with the virtual time (proc.go: schedtrace)
    rep = Report(
        probe=lambda: probe_runtime(rt, run_gogc),
        threads=lambda: mcount(rt),
        gomaxprocs=gomaxprocs,
        costs=getattr(rt, "costs", costs),
        syscalls=lambda n: _harness_syscalls(rt, n),
    )
    res = rt.run(sc.main, rep, params)
    if res.exit_code != 0:
        raise SimulatedProgramDied(sc.name, tuple(res.fatal))
    if rep.m_start is None or rep.m_end is None or rep.T0 is None or rep.T1 is None:
        raise RuntimeError(f"{sc.name}: the main goroutine did not call rep.start()/rep.end()")
    godebug = []
    if schedtrace_ms > 0:
        godebug.append(f"schedtrace={schedtrace_ms}")
        if scheddetail:
            godebug.append("scheddetail=1")
    if gctrace:
        godebug.append("gctrace=1")
    result = build_result(
        workload=sc.name,
        params={**sc.extra_params, **params},
        version=__version__,
        gomaxprocs=gomaxprocs,
        num_cpu=values["ncpu"],
        makespan_ns=rep.makespan_ns,
        threads_end=rep.threads_end,
        start=rep.m_start,
        end=rep.m_end,
        latency=rep.latency_json(),
        fields=rep.fields,
        env_godebug=",".join(godebug),
        gogc=env_gogc,
        model_counters=res.stats.as_dict(),
    )
    out = SimOutput(sc, params, result, tracer.lines, rep, rt, res)
    if hasattr(rt, "gc"):
        out.gctrace = list(rt.gc.trace_lines)
    return out


def _harness_syscalls(rt: Any, n: int) -> None:
    """The main goroutine makes ``n`` syscalls that return at once (report.py: the harness's
    /proc reads); nothing if the caller is not the running main goroutine."""
    from goschedlab.runtime.g import _Grunning, syscallRoundTrips

    gp = rt.main_g
    if gp is not None and gp.atomicstatus == _Grunning:
        syscallRoundTrips(rt, gp, n)


def _breadth_config(
    gomaxprocs: int,
    ncpu: int | None,
    gogc: int | None,
    gctrace: bool,
    numa: str | None,
    cpu_quota: float | None,
    max_threads: int | None,
) -> dict[str, Any]:
    """Validate the runtime-breadth options; the Config fields they set (and maybe ncpu)."""
    out: dict[str, Any] = {"gctrace": bool(gctrace)}
    if gogc is not None and gogc < -1:
        raise UserInputError(f"--gogc: expected a percent >= 0 or -1 (off), got {gogc}")
    if numa is not None:
        from goschedlab.runtime.numa import parse_numa

        topo = parse_numa(numa)
        if ncpu is not None and ncpu != topo.ncpu:
            raise UserInputError(f"--numa {numa}: describes {topo.ncpu} cores but --ncpu is {ncpu}")
        if topo.nodes > gomaxprocs:
            raise UserInputError(
                f"--numa {numa}: {topo.nodes} nodes need --gomaxprocs >= {topo.nodes}"
            )
        out["ncpu"] = topo.ncpu
        out["numa_nodes"] = topo.nodes
        out["numa_distance"] = topo.distance
    if cpu_quota is not None and not cpu_quota > 0:
        raise UserInputError(f"--cpu-quota: expected CPUs > 0 (e.g. 2.0), got {cpu_quota}")
    if cpu_quota is not None:
        out["cpu_quota"] = float(cpu_quota)
    if max_threads is not None:
        if max_threads < 1:
            raise UserInputError(f"--max-threads: expected an integer >= 1, got {max_threads}")
        out["maxmcount"] = max_threads
    return out
