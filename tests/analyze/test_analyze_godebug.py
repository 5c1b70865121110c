"""GODEBUG log readers: exact values of real captured lines, interleaved output, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from analyze_paths import GCTRACE, INTERLEAVED, SCHEDDETAIL, SCHEDTRACE
from hypothesis import given, settings
from hypothesis import strategies as st

from goschedlab.analyze import LogParseError, load, parse_godebug_log
from goschedlab.analyze.godebug import GCCycle, parse_godebug_text
from goschedlab.errors import UserInputError


def test_schedtrace_summary_lines_exact() -> None:
    log = parse_godebug_log(SCHEDTRACE)
    assert [s.t_ms for s in log.sched] == [0, 10, 30, 40, 50, 60, 71, 81, 91, 101]
    s = log.sched[1]
    # SCHED 10ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 needspinning=1
    #   idlethreads=1 runqueue=645 [210 64]
    got = (s.gomaxprocs, s.idleprocs, s.threads, s.spinningthreads, s.needspinning,
           s.idlethreads, s.runqueue, s.runq, s.detail)
    assert got == (2, 0, 4, 0, 1, 1, 645, [210, 64], False)
    assert [s.runq for s in log.sched[-2:]] == [[11, 54], [6, 5]]
    assert log.skipped == 0 and log.gc == []


def test_scheddetail_lines_exact() -> None:
    log = parse_godebug_log(SCHEDDETAIL)
    assert [s.t_ms for s in log.sched] == [0, 12]
    s0, s1 = log.sched
    assert s0.detail and s1.detail
    assert (s1.runqueue, s1.threads, s1.needspinning) == (774, 4, 1)
    # P0: status=1 schedtick=32 syscalltick=49 m=0 runqsize=81 gfreecnt=31 timerslen=0
    assert s1.ps[0] == (0, 1, 32, 49, 0, 81, 31, 0)
    assert s1.runq == [81, 82]
    assert s0.ps[0] == (0, 0, 0, 0, -1, 1, 0, 0)  # m=nil
    # M ids in allm order (newest first), M2 running G819 on P1, M3 blocked.
    assert [m[0] for m in s1.ms] == [3, 2, 1, 0]
    assert s1.ms[1][:3] == (2, 1, 819)
    assert s1.ms[0][9] is True and s1.ms[0][1] is None
    assert s0.ms[2][10] == 1  # M0 lockedg=1
    assert len(s0.gs) == 4 and len(s1.gs) == 183
    assert s0.gs[0] == (1, 4, "chan receive", None, 0)
    assert s1.gs[0] == (1, 4, "semacquire", None, None)
    assert s1.gs[4] == (5, 4, "finalizer wait", None, None)
    assert s1.gs[1][2] == "force gc (idle)"
    assert s0.gs[1] == (2, 1, "", None, None)


def test_gctrace_lines_exact() -> None:
    log = parse_godebug_log(GCTRACE)
    assert [c.gc for c in log.gc] == list(range(1, 19))
    # gc 1 @0.006s 12%: 0.049+4.3+0.006 ms clock, 0.099+2.5/0.10/0.095+0.012 ms cpu,
    #   3->4->4 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
    assert log.gc[0] == GCCycle(
        line=1, gc=1, at_s=0.006, cpu_percent=12, stw_sweepterm_ms=0.049,
        concurrent_mark_ms=4.3, stw_markterm_ms=0.006, cpu_stw_sweepterm_ms=0.099,
        cpu_assist_ms=2.5, cpu_background_ms=0.10, cpu_idle_ms=0.095, cpu_stw_markterm_ms=0.012,
        heap_start_mb=3, heap_end_mb=4, heap_live_mb=4, heap_goal_mb=4, stacks_mb=0,
        globals_mb=0, procs=2, forced=False,
    )
    assert [c.gc for c in log.gc if c.forced] == [4]
    assert (log.gc[2].cpu_background_ms, log.gc[2].cpu_idle_ms) == (1.3, 10.0)
    assert log.gc[-1].heap_goal_mb == 46 and log.gc[-1].at_s == 0.627


def test_gctrace_pause_statistics() -> None:
    s = load(GCTRACE).summary["gctrace"]
    assert s["cycles"] == 18 and s["forced"] == 1
    p = s["stw_pauses"]
    assert p["count"] == 36
    assert p["max_ns"] == pytest.approx(150_000)  # gc 5: 0.15 ms sweep termination
    assert p["p50_ns"] == pytest.approx(39_000)  # nearest rank 18 of 36
    mark = s["stw_markterm"]
    assert mark["max_ns"] == pytest.approx(68_000) and mark["count"] == 18
    vals = [c.stw_sweepterm_ms for c in parse_godebug_log(GCTRACE).gc]
    assert s["stw_sweepterm"]["mean_ns"] == pytest.approx(sum(vals) / 18 * 1e6)
    assert p["cv"] == pytest.approx(p["stdev_ns"] / p["mean_ns"])


def test_schedtrace_analyses() -> None:
    s = load(SCHEDTRACE).summary["schedtrace"]
    imb = s["runq_imbalance"]
    # per-sample |q0 - q1|: 0,146,23,22,106,22,22,42,43,1
    assert imb["imbalance_max"] == 146
    assert imb["imbalance_mean"] == pytest.approx(42.7)
    assert imb["global_runq_max"] == 645
    assert imb["idle_with_work"] == 0
    tg = s["thread_growth"]
    assert (tg["threads_first"], tg["threads_last"], tg["growth_events"]) == (4, 4, [])
    tg2 = load(SCHEDDETAIL).summary["schedtrace"]["thread_growth"]
    assert tg2["growth_events"] == [(12, 4)] and tg2["threads_first"] == 3


def test_interleaved_program_output_is_skipped() -> None:
    log = parse_godebug_log(INTERLEAVED)
    assert [s.t_ms for s in log.sched] == [0, 10, 30, 40]
    assert log.sched[1].runqueue == 645 and log.sched[1].runq == [210, 64]
    assert [c.gc for c in log.gc] == [1, 3, 4]  # gc 2's line is torn
    assert log.skipped == 4
    ld = load(INTERLEAVED)
    assert ld.format == "godebug"
    assert list(ld.frames["schedtrace"]["line"]) == [2, 5, 8, 11]


def _err(tmp_path: Path, content: bytes) -> str:
    p = tmp_path / "x.log"
    p.write_bytes(content)
    with pytest.raises(LogParseError) as ei:
        load(p)
    msg = str(ei.value)
    assert "\n" not in msg and str(p) in msg
    assert isinstance(ei.value, UserInputError)
    return msg


def test_bad_logs_one_line_errors(tmp_path: Path) -> None:
    assert "line 1: expected a GODEBUG schedtrace" in _err(tmp_path, b"")
    m = _err(tmp_path, b"\n\nhello world\nSCHED soon\n")
    assert "line 3:" in m and "'hello world'" in m
    assert "byte 3: expected a text log" in _err(tmp_path, b"abc\x00def")
    # A truncated SCHED record is not a record.
    m = _err(tmp_path, b"SCHED 10ms: gomaxprocs=2 idleprocs=0 threads=4\n")
    assert "line 1:" in m


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LogParseError, match="cannot read"):
        load(tmp_path / "nope.log")


_REAL = (SCHEDTRACE.read_text().splitlines()[:3] + GCTRACE.read_text().splitlines()[:3])


@settings(max_examples=60, deadline=None)
@given(
    noise=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
                   max_size=12),
    keep=st.lists(st.booleans(), min_size=len(_REAL), max_size=len(_REAL)),
)
def test_noise_never_breaks_reader(noise: list[str], keep: list[bool]) -> None:
    """Any mix of garbage lines and real records: the real records come back exactly, or the
    reader raises LogParseError when there are none."""
    lines = [ln for ln, k in zip(_REAL, keep, strict=True) if k]
    text_lines: list[str] = []
    for i, ln in enumerate(lines):
        text_lines.extend(n.replace("\n", " ").replace("\r", " ") for n in noise[i::3][:2])
        text_lines.append(ln)
    text_lines.extend(n.replace("\n", " ").replace("\r", " ") for n in noise[-1:])
    text = "\n".join(text_lines)
    if not lines:
        try:
            log = parse_godebug_text(text, "n.log")
        except LogParseError as e:
            assert "n.log: line" in str(e)
            return
        # noise may itself form a record only if it matches the grammar exactly
        assert log.sched or log.gc
        return
    log = parse_godebug_text(text, "n.log")
    want_sched = [int(ln.split()[1][:-3]) for ln in lines if ln.startswith("SCHED")]
    want_gc = [int(ln.split()[1]) for ln in lines if ln.startswith("gc ")]
    assert [s.t_ms for s in log.sched] == want_sched
    assert [c.gc for c in log.gc] == want_gc


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300)
       | st.builds(lambda p, b: p + b, st.sampled_from([b"{", b"go 1.23 trace\x00\x00\x00",
                                                        b"SCHED 1ms: ", b"gc 1 @"]),
                   st.binary(max_size=200)))
def test_any_bytes_load_or_user_error(tmp_path_factory, data: bytes) -> None:
    """Whatever the bytes (any of the three detected formats), load() succeeds or raises a
    one-line UserInputError naming the file."""
    p = tmp_path_factory.mktemp("fz") / "f.bin"
    p.write_bytes(data)
    try:
        load(p)
    except UserInputError as e:
        assert "\n" not in str(e) and str(p) in str(e)
