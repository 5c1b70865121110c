"""``goschedlab reproduce``: every experiment of the hotfix write-up, rerun on the model.

Each experiment is a function ``(ctx) -> Section`` registered in :data:`EXPERIMENTS`.  It
states the write-up's claim, runs the model on the same seeds for every policy/setting it
compares, and decides a verdict:

* ``reproduced`` - our figures agree with the claim (direction and, where the write-up gives
  one, rough size);
* ``contradicted`` - the model gives a clearly different result (the reason says which);
* ``not comparable`` - the claim and the model measure different things;
* ``not available`` - the model lacks what the experiment needs; the reason names it
  precisely, and the experiment runs as soon as the runtime provides it (each one checks for
  its feature, e.g. ``Config.numa_nodes``, a non-empty GC pause histogram).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from goschedlab.report.compare import (
    RunSpec,
    build_rows,
    change_ci,
    median_ci,
    run_full,
    run_specs,
    write_atomic,
)
from goschedlab.report.render import Plot, Section, TableData, fig_png, render_html, render_md

MODES: dict[str, dict[str, Any]] = {
    "quick": {"seeds": 5, "scale": 0.25},
    "default": {"seeds": 10, "scale": 1.0},
    "full": {"seeds": 20, "scale": 2.0},
}


@dataclass
class Ctx:
    """What every experiment gets: mode, seeds, worker count, logger."""

    mode: str
    seeds: list[int]
    scale: float
    jobs: int
    log: Callable[[str], None]

    @property
    def flag(self) -> str:
        return {"quick": " --quick", "full": " --full"}.get(self.mode, "")


def _fmt(v: float, unit: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    a = abs(v)
    if unit == "ns":
        if a >= 1e9:
            return f"{v / 1e9:.3g} s"
        if a >= 1e6:
            return f"{v / 1e6:.3g} ms"
        if a >= 1e3:
            return f"{v / 1e3:.3g} us"
        return f"{v:.3g} ns"
    if a >= 1e6:
        return f"{v / 1e6:.3g}M"
    if a >= 1e4:
        return f"{v / 1e3:.3g}k"
    if a >= 100:
        return f"{v:.0f}"
    return f"{v:.3g}"


def _ci(v: tuple[float, float, float], unit: str = "") -> str:
    return f"{_fmt(v[0], unit)} [{_fmt(v[1], unit)}, {_fmt(v[2], unit)}]"


def pct(x: float) -> str:
    """A relative change in %: one decimal, or two significant digits when below 0.1 %."""
    if math.isnan(x):
        return "-"
    if x == 0 or abs(x) >= 0.001:
        return f"{x:+.1%}"
    return f"{x * 100:+.2g}%"


def _chg(c: tuple[float, float, float, float]) -> str:
    ch, lo, hi, p = c
    if math.isnan(ch):
        return "-"
    sig = "" if p < 0.05 else " (not significant)"
    return f"{pct(ch)} [{pct(lo)}, {pct(hi)}] p={p:.2g}{sig}"


def _vals(runs: Sequence[dict[str, float]], key: str) -> list[float]:
    return [r[key] for r in runs if key in r]


def _bars(ax: Any, labels: list[str], cis: list[tuple[float, float, float]], ylabel: str) -> None:
    med = np.array([c[0] for c in cis])
    err = np.array([[c[0] - c[1] for c in cis], [c[2] - c[0] for c in cis]])
    ax.bar(labels, med, yerr=err, capsize=5, color=["#8da0cb", "#66c2a5", "#fc8d62", "#e78ac3"]
           [: len(labels)])
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelrotation=15)


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


# ------------------------------------------------------------------------- 1. steal path
def exp_steal_path(ctx: Ctx) -> Section:
    sec = Section(
        "steal-path", "Steal path: locked-steal vs go1.23 vs hotfix",
        "Write-up 2.2: on a 16-core NUMA machine the lock-free XCHG+CAS steal cut the average "
        "steal latency from 32.7 us (old lock path) to 9.4 us and raised throughput by 245 %.",
    )
    g = max(1000, int(5000 * ctx.scale))
    pols = ["locked-steal", "go1.23", "hotfix"]
    numa = 2
    ov = (("g", str(g)), ("w", "2"))
    specs = [RunSpec("fanout-cpu", p, s, 16, None, ov, numa) for p in pols for s in ctx.seeds]
    flat = run_specs(specs, ctx.jobs)
    runs = {p: flat[i * len(ctx.seeds):(i + 1) * len(ctx.seeds)] for i, p in enumerate(pols)}
    metrics = ["steal_latency_ns", "throughput_per_s", "makespan_ns", "steal_attempts",
               "gs_stolen", "spin_cpu_ns", "lock_wait_ns", "cas_retries"]
    rows = build_rows(pols, runs, metrics)
    units = {"steal_latency_ns": "ns", "makespan_ns": "ns", "spin_cpu_ns": "ns",
             "lock_wait_ns": "ns"}
    t = TableData(
        f"fanout-cpu g={g} w=2us (all created on P0: stealing spreads them) on GOMAXPROCS=16"
        f"{', 2 NUMA nodes' if numa else ''}: median [95 % CI] over {len(ctx.seeds)} seeds; "
        "change vs locked-steal (Mann-Whitney U)",
        ["metric"] + pols + [f"{p} vs locked-steal" for p in pols[1:]], [])
    for r in rows:
        u = units.get(r.metric, "")
        t.rows.append([r.metric] + [_ci(r.per_policy[p], u) if p in r.per_policy else "-"
                                    for p in pols]
                      + [_chg(r.change[p]) if p in r.change else "-" for p in pols[1:]])
    claim = TableData("the write-up's figures", ["metric", "old lock path", "hotfix", "change"],
                      [["average steal latency", "32.7 us", "9.4 us", "-71.3 %"],
                       ["throughput", "1", "3.45", "+245 %"]])
    sec.tables = [claim, t]
    lat = {p: median_ci(_vals(runs[p], "steal_latency_ns"), p) for p in pols}
    thr = change_ci(_vals(runs["locked-steal"], "throughput_per_s"),
                    _vals(runs["hotfix"], "throughput_per_s"), "thr")
    latc = change_ci(_vals(runs["locked-steal"], "steal_latency_ns"),
                     _vals(runs["hotfix"], "steal_latency_ns"), "lat")
    big = max(v[0] for v in lat.values())
    if thr[2] > 1.0 and latc[1] < -0.5:
        sec.verdict, sec.reason = "reproduced", (
            f"hotfix vs locked-steal: steal latency {latc[0]:+.1%}, throughput {thr[0]:+.1%}.")
    else:
        sec.verdict = "contradicted"
        sec.reason = (
            f"In the model a steal attempt costs {lat['locked-steal'][0]:.0f} ns with the lock, "
            f"{lat['go1.23'][0]:.0f} ns in Go 1.23 and {lat['hotfix'][0]:.0f} ns with the "
            f"XCHG+CAS path (largest median {big:.0f} ns, not tens of us); hotfix changes "
            f"throughput by {pct(thr[0])} [{pct(thr[1])}, {pct(thr[2])}] against locked-steal, "
            "not +245 %. The XCHG is an extra locked instruction on top of the CAS Go's "
            "lock-free runqgrab already does, so it cannot be cheaper than go1.23.")
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    _bars(axes[0], pols, [lat[p] for p in pols], "steal latency (ns per attempt)")
    _bars(axes[1], pols, [median_ci(_vals(runs[p], "throughput_per_s"), p) for p in pols],
          "throughput (goroutines / s)")
    fig.suptitle("median and 95 % CI over seeds")
    sec.plots.append(Plot("Steal latency and throughput per policy (bars: median, whiskers: "
                          "95 % bootstrap CI)", fig_png(fig)))
    sec.commands = [
        f"goschedlab reproduce --only steal-path{ctx.flag}",
        f"goschedlab compare fanout-cpu --policies locked-steal,go1.23,hotfix --gomaxprocs 16 "
        f"--set g={g} --set w=2 --seeds {len(ctx.seeds)}" + (" --numa 2" if numa else ""),
    ]
    if not numa:
        sec.notes.append("not available: NUMA placement (goschedlab.runtime.Config.numa_nodes "
                         "is missing), so the 16 Ps share one node and no remote-node cost is "
                         "charged; the section reruns with 2 nodes once the runtime has it.")
    sec.notes.append("locked-steal and hotfix pay a cache-line transfer of the lock / head word "
                     "(plus the remote-node extra across nodes) on top of the probe cost that "
                     "go1.23 also pays; this favours go1.23 by at most one transfer per steal "
                     "and cannot move any policy near the write-up's microseconds. Conversely "
                     "go1.23's own CAS retries among concurrent thieves (runqgrab loops on a "
                     "failed CAS) are not charged, while hotfix's in-flight exchange window "
                     "makes a second thief wait (cas_retries).")
    sec.notes.append("Costs of locked instructions and cache-line transfers: "
                     "goschedlab.runtime.costs.Costs.locked_instr_ns / cacheline_transfer_ns / "
                     "numa_remote_ns.")
    return sec


# ------------------------------------------------------------------------- 2. back-off
def backoff_delay(nfails: int, cap: int = 6) -> int:
    """The write-up's back-off delay in ns (write-up 2.3)."""
    return 1 << min(nfails, cap)


def exp_backoff(ctx: Ctx) -> Section:
    sec = Section(
        "backoff", "Back-off after failed steals: cap sweep",
        "Write-up 2.3: after failed steal rounds findrunnable spins delay = 1 << min(nfails, 6)"
        " ns (nfails 0 -> 1 ns, 3 -> 8 ns, 6 -> 64 ns) and parks when delay > 1000 ns.",
    )
    caps = list(range(0, 11)) if ctx.mode != "quick" else [0, 2, 4, 6, 8, 10]
    d = f"{max(0.2, 1.0 * ctx.scale):g}"
    ov = (("d", d),)
    pols = ["go1.23"] + [f"hotfix:xchg_steal=false:cap={c}" for c in caps]
    specs = [RunSpec("open-loop-server", p, s, 4, None, ov, series=("start_delay",))
             for p in pols for s in ctx.seeds]
    flat = run_specs(specs, ctx.jobs)
    n = len(ctx.seeds)
    runs = {p: flat[i * n:(i + 1) * n] for i, p in enumerate(pols)}
    tab = TableData("the write-up's delay table, recomputed (cap 6)",
                    ["nfails", "delay ns", "write-up", "parks (delay > 1000)?"],
                    [[str(k), str(backoff_delay(k)), {0: "1", 3: "8", 6: "64"}.get(k, ""),
                      "yes" if backoff_delay(k) > 1000 else "no"] for k in range(0, 11)])
    t = TableData(
        f"open-loop-server d={d}s on GOMAXPROCS=4 (hotfix back-off only, no XCHG cost): "
        f"median [95 % CI] over {n} seeds; changes vs go1.23",
        ["policy", "max delay ns", "parks", "spin CPU (spinning + back-off)",
         "pick-up latency p50 (start_delay)", "spin CPU change", "pick-up change"], [])
    base_cpu = _vals(runs["go1.23"], "spin_cpu_ns")
    base_lat = _vals(runs["go1.23"], "start_delay.p50_ns")
    xs, ys = [], []
    parks_by_cap: dict[int, float] = {}
    maxd_by_cap: dict[int, float] = {}
    for p in pols:
        cpu = median_ci(_vals(runs[p], "spin_cpu_ns"), p + "cpu")
        lat = median_ci(_vals(runs[p], "start_delay.p50_ns"), p + "lat")
        xs.append(cpu[0])
        ys.append(lat[0])
        parks = sum(_vals(runs[p], "backoff_parks"))
        maxd = max(_vals(runs[p], "backoff_max_delay_ns") or [0])
        if p != "go1.23":
            parks_by_cap[int(p.rsplit("=", 1)[1])] = parks
            maxd_by_cap[int(p.rsplit("=", 1)[1])] = maxd
        t.rows.append([p, f"{maxd:.0f}" if p != "go1.23" else "-",
                       f"{parks:.0f}" if p != "go1.23" else "-",
                       _ci(cpu, "ns"), _ci(lat, "ns"),
                       "-" if p == "go1.23" else _chg(change_ci(base_cpu,
                                                                _vals(runs[p], "spin_cpu_ns"))),
                       "-" if p == "go1.23" else _chg(change_ci(
                           base_lat, _vals(runs[p], "start_delay.p50_ns")))])
    sec.tables = [tab, t]
    p6 = parks_by_cap.get(6, 0)
    top = max(maxd_by_cap.values()) if maxd_by_cap else 0
    sec.verdict = "reproduced"
    sec.reason = (
        f"The delays are as tabulated (1, 8, 64 ns) and with cap 6 the park branch never runs "
        f"({p6:.0f} parks in all runs: 1 << 6 = 64 < 1000), as the write-up's own constants "
        f"imply; it needs a cap of at least 10 and 10 consecutive failed rounds - the longest "
        f"delay seen at any cap was {top:.0f} ns, "
        f"{sum(parks_by_cap.values()):.0f} parks in the whole sweep. Go 1.23 has no such "
        "back-off (findRunnable makes a fixed stealTries = 4 passes, proc.go); its effect "
        "on spin CPU and pick-up latency is in the table (changes vs go1.23).")
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(xs[1:], ys[1:], "o-", label="hotfix back-off, cap 0..10")
    for x, y, c in zip(xs[1:], ys[1:], caps, strict=True):
        ax.annotate(str(c), (x, y), fontsize=8)
    ax.plot(xs[:1], ys[:1], "s", color="black", label="go1.23")
    ax.set_xlabel("CPU spent spinning + backing off (ns, median)")
    ax.set_ylabel("pick-up latency p50 (ns, median)")
    ax.legend()
    sec.plots.append(Plot("CPU burnt spinning vs latency to pick up new work, per back-off cap",
                          fig_png(fig)))
    sec.commands = [
        f"goschedlab reproduce --only backoff{ctx.flag}",
        f"goschedlab compare open-loop-server --policies go1.23,hotfix:xchg_steal=false:cap=6,"
        f"hotfix:xchg_steal=false:cap=10 --gomaxprocs 4 --set d={d} --seeds {n}",
    ]
    return sec


# ------------------------------------------------------------------------- 3. starvation
def _cdf(lat: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    hi = np.asarray(lat.get("hist_hi_ns", []), dtype=float)
    cnt = np.asarray(lat.get("hist_count", []), dtype=float)
    if not len(cnt):
        return np.zeros(0), np.zeros(0)
    return hi, np.cumsum(cnt) / cnt.sum()


def exp_starvation(ctx: Ctx) -> Section:
    sec = Section(
        "starvation", "Goroutine starvation: blocking logger, channel capacity 0 vs 1024",
        "Write-up 3.1: HTTP handlers logging to an unbuffered channel drained by one goroutine "
        "(5000 requests, 200 concurrent clients): p99 1.84 s -> 47 ms with a 1024 buffer; "
        "goroutines 2156 -> 212; blocked goroutines 1932 -> 18.",
    )
    d = f"{max(0.5, 2.0 * ctx.scale):g}"
    cases = [(st, gmp) for gmp in (1, 2) for st in ("heavy-c0", "heavy-c1024")]
    specs = [RunSpec("blocking-logger", "go1.23", s, gmp, st, (("d", d),),
                     series=("request", "spin_plus_send_minus_w"))
             for st, gmp in cases for s in ctx.seeds]
    flat = run_specs(specs, ctx.jobs, fn=run_full)
    n = len(ctx.seeds)
    res = {c: flat[i * n:(i + 1) * n] for i, c in enumerate(cases)}

    def little(m: dict[str, float], series: str) -> float:
        # Little's law: mean number in the system = arrival rate x mean time in it.
        return m["request.n"] / (m["makespan_ns"] / 1e9) * m[f"{series}.mean_ns"] / 1e9

    t = TableData(
        f"blocking-logger heavy (4000 req/s, logger 80 % busy), d={d}s, go1.23: median "
        f"[95 % CI] over {n} seeds",
        ["setting", "GOMAXPROCS", "request p99", "request p50", "goroutines in flight",
         "blocked in send", "p99 change vs c0"], [])
    p99s: dict[tuple[str, int], list[float]] = {}
    for st, gmp in cases:
        ms = [m for m, _ in res[(st, gmp)]]
        p99s[(st, gmp)] = _vals(ms, "request.p99_ns")
        t.rows.append([
            st, str(gmp), _ci(median_ci(p99s[(st, gmp)]), "ns"),
            _ci(median_ci(_vals(ms, "request.p50_ns")), "ns"),
            _ci(median_ci([little(m, "request") for m in ms])),
            _ci(median_ci([little(m, "spin_plus_send_minus_w") for m in ms])),
            "-" if st.endswith("c0") else _chg(change_ci(p99s[("heavy-c0", gmp)],
                                                         p99s[(st, gmp)])),
        ])
    claim = TableData("the write-up's figures", ["", "unbuffered", "1024 buffer"],
                      [["p99", "1.84 s", "47 ms"], ["goroutines", "2156", "212"],
                       ["blocked goroutines", "1932", "18"]])
    sec.tables = [claim, t]
    ok = all(change_ci(p99s[("heavy-c0", g)], p99s[("heavy-c1024", g)])[2] < 0
             and change_ci(p99s[("heavy-c0", g)], p99s[("heavy-c1024", g)])[3] < 0.05
             for g in (1, 2))
    r1 = np.median(p99s[("heavy-c0", 1)]) / np.median(p99s[("heavy-c1024", 1)])
    r2 = np.median(p99s[("heavy-c0", 2)]) / np.median(p99s[("heavy-c1024", 2)])
    if ok:
        sec.verdict = "reproduced"
        sec.reason = (f"Direction reproduced: the 1024 buffer cuts p99 {r1:.1f}x at "
                      f"GOMAXPROCS=1 and {r2:.1f}x at 2 (write-up: 39x), and empties the "
                      "queue of goroutines blocked in the send. Sizes differ: the write-up's "
                      "service and load are unknown; this is the corpus's blocking-logger.")
    else:
        sec.verdict = "contradicted"
        sec.reason = (f"The buffer does not significantly lower p99 in the model "
                      f"(ratios {r1:.2f}x / {r2:.2f}x).")
    sec.notes.append("Goroutines in flight and blocked in send are time averages from Little's "
                     "law (throughput x mean time in the system / in the send), not snapshots.")
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
    for ax, gmp in zip(axes, (1, 2), strict=True):
        for st in ("heavy-c0", "heavy-c1024"):
            x, y = _cdf(res[(st, gmp)][0][1]["latency"]["request"])
            ax.step(x / 1e6, y, where="post", label=st)
        ax.set_xscale("log")
        ax.set_xlabel("request latency (ms)")
        ax.set_title(f"GOMAXPROCS={gmp} (seed {ctx.seeds[0]})")
        ax.legend()
    axes[0].set_ylabel("CDF")
    sec.plots.append(Plot("Request latency CDFs, channel capacity 0 vs 1024", fig_png(fig)))
    sec.commands = [
        f"goschedlab reproduce --only starvation{ctx.flag}",
        f"goschedlab compare blocking-logger --setting heavy-c0 --policies go1.23 "
        f"--gomaxprocs 1 --set d={d} --seeds {n}",
        f"goschedlab compare blocking-logger --setting heavy-c1024 --policies go1.23 "
        f"--gomaxprocs 1 --set d={d} --seeds {n}",
    ]
    return sec


# ------------------------------------------------------------------------- 4. NUMA
def exp_numa(ctx: Ctx) -> Section:
    sec = Section(
        "numa", "NUMA: latency of a goroutine woken on a remote node",
        "Write-up 3.2: idle G wake 118 ns local vs 936 ns remote; channel send/recv 204 vs "
        "1372 ns; Gosched 120 vs 850-1400 ns.",
    )
    sec.commands = [f"goschedlab reproduce --only numa{ctx.flag}"]
    from goschedlab.runtime import Costs

    n = len(ctx.seeds)
    items = max(1000, int(5000 * ctx.scale))
    ov = (("n", str(items)),)
    specs = [RunSpec("pipeline", "go1.23", s, 4, "light", ov, nodes)
             for nodes in (1, 2) for s in ctx.seeds]
    flat = run_specs(specs, ctx.jobs)
    loc, rem = flat[:n], flat[n:]
    t = TableData(
        f"pipeline light (open loop, 4 stages) n={items} on GOMAXPROCS=4: 1 node vs 2 nodes "
        f"(Ps 0-1 / 2-3), go1.23, median [95 % CI] over {n} seeds",
        ["metric", "1 node", "2 nodes", "change"], [])
    for key, unit in (("migrations_local", ""), ("migrations_remote", ""), ("p50_ns", "ns"),
                      ("p99_ns", "ns"), ("sched_ns", "ns")):
        lv, rv = _vals(loc, key), _vals(rem, key)
        if not lv or not rv:
            continue
        t.rows.append([key if key not in ("p50_ns", "p99_ns") else f"item latency {key[:3]}",
                       _ci(median_ci(lv, "l" + key), unit), _ci(median_ci(rv, "r" + key), unit),
                       _chg(change_ci(lv, rv, key))])
    c = Costs()
    model = TableData("per resume, as the model charges it (proc.go: execute)",
                      ["resume", "model", "write-up"],
                      [["same node", f"{c.schedule_ns} ns (schedule_ns)", "118-204 ns"],
                       ["other node", f"{c.schedule_ns + c.numa_remote_ns} ns (schedule_ns + "
                        f"numa_remote_ns)", "850-1372 ns"]])
    sec.tables = [model, t]
    sec.verdict = "not comparable"
    sec.reason = (
        f"The model's remote resume costs numa_remote_ns = {c.numa_remote_ns} ns more than a "
        "local one: an assumed input of the cost model, not a measurement (the reference "
        "corpus has no NUMA machine), so it cannot confirm or refute the write-up's 118 vs "
        "936 ns. What the model does show is how often Go 1.23's NUMA-blind stealing resumes "
        "Gs on the other node (migrations_remote) and what that costs end to end.")
    sec.commands.append(
        f"goschedlab compare pipeline --setting light --set n={items} --gomaxprocs 4 "
        f"--numa 2 --policies go1.23 --seeds {n}")
    return sec


# ------------------------------------------------------------------------- 5. GC STW
def exp_gc_stw(ctx: Ctx) -> Section:
    sec = Section(
        "gc-stw", "GC stop-the-world variability over 100 cycles",
        "Write-up 3.3 (gctrace, 100 GC cycles): Go 1.23.0 mean 124.3 ms, sd 18.7, CV 15.0 %; "
        "candidate mean 126.1 ms, sd 29.4, CV 23.3 % (real STW pauses are tens of us).",
    )
    sec.commands = [f"goschedlab reproduce --only gc-stw{ctx.flag}"]
    from goschedlab.analyze.stats import pause_stats

    pols = ["go1.23", "locked-steal", "hotfix"]
    n = len(ctx.seeds)
    specs = [RunSpec("gc-churn", p, s, 2, None, ()) for p in pols for s in ctx.seeds]
    flat = run_specs(specs, ctx.jobs, fn=run_full)
    t = TableData(
        f"gc-churn default on GOMAXPROCS=2: STW pause per cycle (sweep termination + mark "
        f"termination, gctrace's clock), cycles pooled over {n} seeds; CV per seed: median "
        "[95 % CI]", ["policy", "cycles", "mean", "stdev", "CV (pooled)", "CV per seed",
                      "CV change vs go1.23"], [])
    cv_seed: dict[str, list[float]] = {}
    pooled: dict[str, dict[str, float]] = {}
    for i, p in enumerate(pols):
        per = [det["gc_pauses_ns"] for _m, det in flat[i * n:(i + 1) * n]]
        vals = [v for xs in per for v in xs]
        pooled[p] = st = pause_stats(vals)
        cv_seed[p] = [pause_stats(xs)["cv"] for xs in per if len(xs) > 1]
        t.rows.append([p, str(st["count"]), _fmt(st["mean_ns"], "ns"), _fmt(st["stdev_ns"], "ns"),
                       f"{st['cv']:.1%}", _ci(median_ci(cv_seed[p], p)),
                       "-" if p == "go1.23" else _chg(change_ci(cv_seed["go1.23"], cv_seed[p]))])
    claim = TableData("the write-up's figures (100 cycles)", ["version", "mean", "stdev", "CV"],
                      [["Go 1.23.0", "124.3 ms", "18.7 ms", "15.0 %"],
                       ["candidate", "126.1 ms", "29.4 ms", "23.3 %"]])
    sec.tables = [claim, t]
    g = pooled["go1.23"]
    sec.verdict = "not comparable"
    sec.reason = (
        f"Model STW pauses average {_fmt(g['mean_ns'], 'ns')} per cycle (CV {g['cv']:.1%}), "
        "three orders of magnitude below the write-up's ~125 ms: its figures cannot be STW "
        "pauses of a Go 1.23 program like these. The write-up blames more gcDrainN calls from "
        "pacer re-estimation, which is GC pacing, not scheduling: the scheduler policies here "
        "leave the pause distribution as shown, and no policy models a pacer change.")
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for i, p in enumerate(pols):
        vals = sorted(v for _m, det in flat[i * n:(i + 1) * n] for v in det["gc_pauses_ns"])
        ax.step(np.asarray(vals) / 1e3, np.arange(1, len(vals) + 1) / len(vals), where="post",
                label=p)
    ax.set_xlabel("STW pause per GC cycle (us)")
    ax.set_ylabel("CDF")
    ax.legend()
    sec.plots.append(Plot("Per-cycle STW pause CDF per policy", fig_png(fig)))
    sec.commands.append("goschedlab simulate gc-churn --gomaxprocs 2   # one run, GC pauses")
    return sec


# ------------------------------------------------------------------------- 6. thread limit
def exp_thread_limit(ctx: Ctx) -> Section:
    sec = Section(
        "thread-limit", "debug.SetMaxThreads below the need",
        "Write-up 4.3: lowering debug.SetMaxThreads (e.g. 5000; 3000 for low-latency APIs) "
        "makes the runtime shrink its thread pool elastically, idle Ms being reclaimed at the "
        "next GC.",
    )
    n = len(ctx.seeds)
    base = [RunSpec("syscall-block", "go1.23", s, 2, None, (), allow_death=True)
            for s in ctx.seeds]
    flat = run_specs(base, ctx.jobs, fn=run_full)
    need = int(max(m.get("threads_end", 0) for m, _ in flat))
    limit = max(3, need // 2)
    lim = [RunSpec("syscall-block", "go1.23", s, 2, None, (), maxmcount=limit, allow_death=True)
           for s in ctx.seeds]
    flat2 = run_specs(lim, ctx.jobs, fn=run_full)
    died = sum(1 for m, _ in flat2 if m.get("died"))
    fatal = next((d["fatal"] for m, d in flat2 if m.get("died")), [])
    t = TableData(f"syscall-block default (16 goroutines in 1 ms nanosleeps), GOMAXPROCS=2, "
                  f"{n} seeds", ["thread limit", "runs that died", "threads at the end (median)",
                                 "stderr"], [
        ["10000 (Go's default)", f"{sum(1 for m, _ in flat if m.get('died'))}/{n}",
         f"{np.median([m['threads_end'] for m, _ in flat if 'threads_end' in m]):.0f}", ""],
        [str(limit), f"{died}/{n}", "-", " / ".join(fatal)],
    ])
    sec.tables = [t]
    if died == n and any("thread exhaustion" in x for x in fatal):
        sec.verdict = "contradicted"
        sec.reason = (f"With a limit ({limit}) below the {need} threads the load needs, every "
                      f"run dies with '{fatal[-1]}', as Go 1.23.1 does (checkmcount; reproduced "
                      "with real go1.23.1 by tests/report/test_reproduce.py). The runtime "
                      "never exits idle Ms, so there is nothing to shrink.")
    else:
        sec.verdict = "not comparable"
        sec.reason = f"{died}/{n} runs died at limit {limit}; expected all."
    sec.notes.append("Real go1.23.1 prints the same two lines and exits with status 2 for a "
                     "16-goroutine nanosleep program under the same kind of limit (checked by "
                     "the test suite against the real toolchain).")
    sec.commands = [
        f"goschedlab reproduce --only thread-limit{ctx.flag}",
        "goschedlab simulate syscall-block --gomaxprocs 2   # threads needed (threads_end)",
    ]
    return sec


# ------------------------------------------------------------------------- 7. explore
EXPLORE_CASES = [
    ("runq", "Go 1.23 run queue (owner + thieves)"),
    ("hotfix-steal", "write-up 2.2 XCHG+CAS steal vs Go's owner"),
    ("acquirep", "Go 1.23 wirep store order vs a status reader"),
    ("hotfix-acquirep-before", "write-up 2.4 'before' order"),
    ("hotfix-acquirep-after", "write-up 2.4 'after' order (its fix)"),
]


def exp_explore(ctx: Ctx) -> Section:
    sec = Section(
        "explore", "Races and memory ordering: explored, not measured",
        "Write-up 2.1/2.2/2.4: runqget races between several Ms; the XCHG+CAS steal is a safe "
        "lock-free replacement; acquirep's store order had to be fixed (p.m before status).",
    )
    sec.commands = [f"goschedlab reproduce --only explore{ctx.flag}"] + [
        f"goschedlab explore {m} --memory {mem}"
        for m, _ in EXPLORE_CASES for mem in ("tso", "arm")]
    try:
        from goschedlab.explore import Config, explore
        from goschedlab.explore.models import MODELS
        from goschedlab.explore.report import outcome_json
    except ImportError as e:
        sec.verdict = "not available"
        sec.reason = f"not available: goschedlab.explore cannot be imported ({e})"
        return sec
    t = TableData("exhaustive exploration (default bounds) under TSO (x86) and an ARM-like "
                  "model", ["model", "what", "memory", "verdict", "expected", "states",
                            "exhaustive"], [])
    got: dict[tuple[str, str], str] = {}
    for m, what in EXPLORE_CASES:
        spec = MODELS.get(m)
        if spec is None:
            t.rows.append([m, what, "-", "model missing", "-", "-", "-"])
            continue
        for mem in ("tso", "arm"):
            inst = spec.build(m, **spec.defaults) if spec.params else spec.build(m)
            out = outcome_json(explore(inst, Config(memory=mem)), m)
            got[(m, mem)] = out["verdict"]
            t.rows.append([m, what, mem, out["verdict"], spec.expect[mem],
                           str(out["statistics"]["states"]), str(out["exhaustive"])])
    sec.tables = [t]
    if got.get(("hotfix-steal", "tso")) == "violation" and got.get(("runq", "arm")) == "ok":
        sec.verdict = "contradicted"
        sec.reason = ("Go's own run queue has no violation under TSO or ARM-like ordering, "
                      "while the write-up's XCHG+CAS steal breaks the owner's index arithmetic "
                      "(a violation even under TSO). The 'after' acquirep order passes, but Go's "
                      "wirep uses plain stores and no reader relies on that order.")
    else:
        sec.verdict = "not comparable"
        sec.reason = "The explorer's verdicts differ from the expected ones; see the table."
    return sec


EXPERIMENTS: dict[str, Callable[[Ctx], Section]] = {
    "steal-path": exp_steal_path,
    "backoff": exp_backoff,
    "starvation": exp_starvation,
    "numa": exp_numa,
    "gc-stw": exp_gc_stw,
    "thread-limit": exp_thread_limit,
    "explore": exp_explore,
}

TITLE = "goschedlab: the hotfix write-up's experiments, rerun on the Go 1.23 scheduler model"


def run_experiments(mode: str = "default", jobs: int = 1, only: Sequence[str] | None = None,
                    log: Callable[[str], None] = lambda s: None) -> list[Section]:
    """Run the experiments (all, or ``only``) and return their sections."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}, got {mode!r}")
    m = MODES[mode]
    ctx = Ctx(mode, list(range(1, m["seeds"] + 1)), m["scale"], jobs, log)
    out = []
    for eid, fn in EXPERIMENTS.items():
        if only is not None and eid not in only:
            continue
        log(f"{eid} ...")
        t0 = time.perf_counter()
        sec = fn(ctx)
        sec.seconds = time.perf_counter() - t0
        log(f"{eid}: {sec.verdict} ({sec.seconds:.1f} s)")
        out.append(sec)
    return out


def reproduce(out_dir: str | Path, mode: str = "default", jobs: int = 1,
              only: Sequence[str] | None = None,
              log: Callable[[str], None] = lambda s: None) -> list[Path]:
    """Run the experiments and write ``report.html``, ``report.md`` (+ its PNGs) to
    ``out_dir``; every file is written to a temp file and renamed."""
    from goschedlab import __version__

    t0 = time.perf_counter()
    sections = run_experiments(mode, jobs, only, log)
    m = MODES[mode]
    intro = [
        f"goschedlab {__version__}, mode {mode}: {m['seeds']} seeds per configuration, "
        f"{jobs} worker process(es), {time.perf_counter() - t0:.0f} s.",
        "Each section: the write-up's claim, our figures (median and 95 % percentile-bootstrap "
        "CI over seeds; changes with a two-sided Mann-Whitney U test), a verdict, plots and "
        "the command that reruns it. Source of the claims: the hotfix write-up; what Go 1.23.1 "
        "really does: its sources (src/runtime/proc.go of go1.23.1; `goschedlab go --go 1.23.1` "
        "installs them).",
    ]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for s in sections:
        for k, p in enumerate(s.plots):
            dest = out / f"{s.id}-{k}.png"
            _write_bytes_atomic(dest, p.png)
    md = out / "report.md"
    write_atomic(md, render_md(TITLE, intro, sections))
    html_path = out / "report.html"
    write_atomic(html_path, render_html(TITLE, intro, sections))
    paths += [html_path, md]
    return paths


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    from goschedlab.fileio import write_atomic

    write_atomic(path, data)
