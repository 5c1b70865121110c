"""Whole /sched/latencies distributions: the CDFs validate keeps per case, ``--cdf`` and the
HTML page's distribution plots."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from goschedlab.validate import shipped_results
from goschedlab.validate.compare import compare
from goschedlab.validate.distributions import case_cdf, cdf_rows, parse_case
from goschedlab.validate.metrics import SCHED_LATENCIES, go_time_hist_bounds_ns
from goschedlab.validate.render import html_page

REAL = shipped_results("1.23.1")
OTHER = shipped_results("1.22.10")
assert REAL is not None and OTHER is not None

BOUNDS: list[Any] = ["-Inf" if b < 0 else "+Inf" if b == float("inf") else b / 1e9
                     for b in go_time_hist_bounds_ns()]
#: index of the bucket (0.256, 0.320] us and (1.024, 1.280] us in the exported counts
B320 = BOUNDS.index(3.2e-07) - 1
B1280 = BOUNDS.index(1.28e-06) - 1


def _run(counts_at: dict[int, int]) -> dict[str, Any]:
    counts = [0] * (len(BOUNDS) - 1)
    for i, c in counts_at.items():
        counts[i] = c
    return {"workload": "open-loop-server", "makespan_ns": 1,
            "metrics_end": {SCHED_LATENCIES: {"boundaries": BOUNDS}},
            "metrics_phase_delta": {SCHED_LATENCIES: {"counts": counts}}}


def test_cdf_of_each_run_from_its_histogram() -> None:
    real = [_run({B320: 30, B1280: 70}), _run({B320: 60, B1280: 40})]
    sim = [_run({B320: 90, B1280: 10})]
    c = case_cdf(("open-loop-server", "light", 2), real, sim)
    assert c is not None and c.label == "open-loop-server/light/2"
    assert c.upper_us[B320] == pytest.approx(0.32) and c.upper_us[B1280] == pytest.approx(1.28)
    assert [cv[B320] for cv in c.real] == [0.3, 0.6] and c.sim[0][B320] == 0.9
    assert all(cv[B1280] == 1.0 and cv[-1] == 1.0 for cv in c.real + c.sim)
    # only the buckets that hold samples: the two, with every run's share
    rows = cdf_rows(c)
    assert [round(ub, 3) for ub, _ in rows] == [0.32, 1.28]
    assert rows[0][1] == (0.3, 0.6, 0.9) and rows[1][1] == (1.0, 1.0, 1.0)
    # the --json form: the buckets that hold samples, one list per run
    js = c.to_json()
    assert js["upper_us"] == pytest.approx([0.32, 1.28])
    assert js["real"] == [[0.3, 1.0], [0.6, 1.0]] and js["sim"] == [[0.9, 1.0]]
    assert (js["workload"], js["setting"], js["gomaxprocs"]) == c.key
    # a side without samples gives no curve
    assert case_cdf(("x", "y", 1), [_run({})], sim) is None


def test_html_draws_the_distribution_of_a_missed_sched_latency_case() -> None:
    key = ("open-loop-server", "light", 2)
    real = {key: [_run({B320: 30, B1280: 70}) for _ in range(3)]}
    sim = {key: [_run({B320: 90, B1280: 10}) for _ in range(3)]}
    v = compare(real, sim, gaps=())
    p50 = next(r for r in v.rows if r.metric == "sched_latency_p50")
    assert not p50.within and p50.real_median == pytest.approx(1.28)
    assert v.cdfs[key].sim[0][B320] == 0.9
    out = json.loads(json.dumps(v.to_json()))  # what --json writes
    assert out["sched_latency_cdfs"] == [v.cdfs[key].to_json()]
    page = html_page(v)
    assert "distributions of the missed cases (1)" in page
    img = re.search(r"alt='open-loop-server/light/2 sched latency CDF' "
                    r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert img is not None and base64.b64decode(img.group(1)).startswith(b"\x89PNG")
    # a case whose sched quantiles all pass is not drawn
    v2 = compare(real, real, gaps=())
    assert "distributions of the missed cases (0)" in html_page(v2)
    assert "sched latency CDF" not in html_page(v2)


def test_validate_cdf_prints_every_run_and_seed(run_cli) -> None:
    code, out, _ = run_cli("validate", "--real", "corpus", "--sim", str(OTHER), "--workloads",
                           "pingpong", "--reps", "5", "--cdf", "pingpong/default/2")
    assert code == 0
    assert "pingpong/default/2: /sched/latencies" in out

    def share(path: Path, upper_s: float) -> float:
        d = json.loads(path.read_text())
        counts = d["metrics_phase_delta"][SCHED_LATENCIES]["counts"]
        i = BOUNDS.index(upper_s) - 1
        return sum(counts[: i + 1]) / sum(counts)

    real = sorted((REAL / "pingpong").glob("default-gmp2-rep*.json"))
    sim = sorted((OTHER / "pingpong").glob("default-gmp2-rep*.json"))
    row = next(line for line in out.splitlines() if re.match(r"\W*0\.192\W", line))
    cells = re.findall(r"\d+\.\d{4}", row)
    assert cells == [f"{share(f, 1.92e-07):.4f}" for f in real + sim]


@pytest.mark.parametrize("spec,needle", [
    ("pingpong/default", "expected WORKLOAD/SETTING/GOMAXPROCS"),
    ("pingpong/spin/2", "no such case with /sched/latencies samples on both sides"),
])
def test_validate_cdf_user_errors(spec: str, needle: str, run_cli, tmp_path: Path) -> None:
    js = tmp_path / "v.json"
    code, out, err = run_cli("validate", "--real", "corpus", "--sim", str(OTHER), "--workloads",
                             "pingpong", "--cdf", spec, "--json", str(js))
    assert code == 2 and err.count("\n") == 1 and needle in err
    assert not js.exists() and "score" not in out  # checked before anything is written


def test_parse_case() -> None:
    assert parse_case("pingpong/spin/2") == ("pingpong", "spin", 2)
