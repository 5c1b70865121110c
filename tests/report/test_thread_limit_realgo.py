"""The thread-limit experiment against real Go 1.23.1: a syscall-heavy program whose
debug.SetMaxThreads limit is below what it needs dies with the same stderr lines and exit
status as the model's syscall-block under the same limit (no "elastic shrink")."""

from __future__ import annotations

from pathlib import Path

import pytest

from goschedlab.report.compare import RunSpec, run_full

LIMIT = 6

GO_MAIN = """package main

import (
	"runtime/debug"
	"sync"
	"syscall"
)

func main() {
	debug.SetMaxThreads(%d)
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts := syscall.NsecToTimespec(1000000)
			for r := 0; r < 100; r++ {
				syscall.Nanosleep(&ts, nil)
			}
		}()
	}
	wg.Wait()
}
"""


@pytest.mark.slow
def test_thread_limit_fatal_matches_real_go(tmp_path: Path) -> None:
    from goschedlab.realgo import build, ensure_go, run

    tc = ensure_go("1.23.1", quiet=True)
    src = tmp_path / "src"
    src.mkdir()
    (src / "go.mod").write_text("module threadlimit\n\ngo 1.23\n")
    (src / "main.go").write_text(GO_MAIN % LIMIT)
    binary = build(tc, src, tmp_path / "threadlimit")
    real = run(tc, binary, gomaxprocs=2, timeout=120)
    real_lines = [ln for ln in real.stderr.splitlines() if ln.strip()][:2]

    m, det = run_full(RunSpec("syscall-block", "go1.23", 1, 2, None, (), maxmcount=LIMIT,
                              allow_death=True))
    assert m["died"] == 1.0
    assert real.returncode == 2
    expected = [f"runtime: program exceeds {LIMIT}-thread limit", "fatal error: thread exhaustion"]
    assert real_lines == expected
    assert det["fatal"][:2] == expected
