"""NUMA: topology parsing, distance-scaled migration penalty, Go's steal order unchanged."""

from __future__ import annotations

import pytest

from goschedlab.errors import UserInputError
from goschedlab.runtime.numa import NumaTopology, parse_numa
from goschedlab.workloads import simulate


def test_parse_numa_shapes_and_distances() -> None:
    t = parse_numa("2x8")
    assert (t.nodes, t.cores_per_node, t.ncpu) == (2, 8, 16)
    assert t.distance == ((10, 20), (20, 10))
    t4 = parse_numa("4x4:12,20,20,12,20,20,20,20,12,20,20,12")
    assert t4.distance[0] == (10, 12, 20, 20)
    assert t4.distance[3] == (20, 20, 12, 10)


@pytest.mark.parametrize(
    "bad", ["2", "2x", "x8", "0x8", "2x0", "axb", "2x8:21", "2x8:9,9", "2x8:a,b"]
)
def test_parse_numa_rejects_with_one_line(bad: str) -> None:
    with pytest.raises(UserInputError, match="^--numa: ") as e:
        parse_numa(bad)
    assert "\n" not in str(e.value)


def test_cost_matrix_scales_with_distance() -> None:
    t = NumaTopology(3, 2, ((10, 21, 30), (21, 10, 20), (30, 20, 10)))
    assert t.cost_matrix(10_000) == ((0, 11_000, 20_000), (11_000, 0, 10_000), (20_000, 10_000, 0))
    with pytest.raises(ValueError, match="distance"):
        NumaTopology(2, 1, ((10, 20), (20, 11)))


def _run(nodes: int, penalty: int | None) -> tuple[dict, object]:
    out = simulate(
        "pipeline",
        gomaxprocs=4,
        overrides={"n": 3000},
        config_extra={"numa_nodes": nodes, "numa_penalty_ns": penalty},
    )
    return out.result, out.run.stats


def test_remote_migrations_are_counted_and_charged() -> None:
    res1, st1 = _run(1, None)
    assert st1.migrations_remote == 0 and st1.numa_penalty_ns == 0  # type: ignore[attr-defined]
    res0, st0 = _run(2, 0)
    # Zero penalty: the schedule is the same as without NUMA (Go's steal order unchanged);
    # only the split of migrations into local/remote differs.
    assert res0["makespan_ns"] == res1["makespan_ns"]
    assert res0["latency"] == res1["latency"]
    total = st1.migrations_local  # type: ignore[attr-defined]
    assert st0.migrations_local + st0.migrations_remote == total  # type: ignore[attr-defined]
    assert st0.migrations_remote > 0  # type: ignore[attr-defined]
    resp, stp = _run(2, 1_000_000)
    assert stp.numa_penalty_ns == 1_000_000 * stp.migrations_remote  # type: ignore[attr-defined]
    assert stp.migrations_remote > 10  # type: ignore[attr-defined]
    # 1 ms per remote migration on a ~70 ms run: the added latency lengthens it
    assert resp["makespan_ns"] > res0["makespan_ns"] + 5_000_000
