"""NUMA: cores grouped in nodes, a distance matrix, and the cost of running a goroutine on
another node than the one it last ran on.

What it models
    A machine of ``nodes`` x ``cores_per_node`` cores (``--numa 2x8``) with an ACPI
    SLIT-style distance matrix (10 = local; Linux prints it in ``numactl --hardware``;
    default 20 between nodes).  Go does not know about NUMA: Ps are not bound to nodes and
    the steal order stays Go's random order (``policies`` may change it).  The model places
    P i on node ``i * nodes // GOMAXPROCS`` (its M is assumed to run on a core of that node,
    as with one thread per core) and charges a goroutine that resumes on another node
    than its last one ``penalty_ns * (distance - 10) / 10`` before its next CPU work (cache
    and memory locality: refetching its working set from the remote node), as debt of the
    executing M in ``proc.execute``.

Observables
    ``RuntimeStats.migrations_local`` / ``migrations_remote`` (G resumed on another P of the
    same / another node) and ``numa_penalty_ns`` (the latency added by remote migrations).

Main objects
    :class:`NumaTopology`, :func:`parse_numa` ("AxB"), :meth:`NumaTopology.cost_matrix`.

Rejected alternative
    Binding Ms to nodes and modelling the OS scheduler's placement: the runtime does not
    control it and the corpus has no multi-socket data to calibrate it; a per-P node is the
    simplest placement that makes migrations and their cost observable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from goschedlab.errors import UserInputError

LOCAL_DISTANCE: Final = 10
DEFAULT_REMOTE_DISTANCE: Final = 20


@dataclass(frozen=True)
class NumaTopology:
    """``nodes`` x ``cores_per_node`` cores and the node distance matrix."""

    nodes: int
    cores_per_node: int
    distance: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self) -> None:
        if self.nodes < 1 or self.cores_per_node < 1:
            raise ValueError(f"NumaTopology: need >= 1 node and core, got {self!r}")
        if not self.distance:
            d = tuple(
                tuple(
                    LOCAL_DISTANCE if i == j else DEFAULT_REMOTE_DISTANCE for j in range(self.nodes)
                )
                for i in range(self.nodes)
            )
            object.__setattr__(self, "distance", d)
        if len(self.distance) != self.nodes or any(len(r) != self.nodes for r in self.distance):
            raise ValueError(f"NumaTopology: distance must be {self.nodes}x{self.nodes}")
        for i, row in enumerate(self.distance):
            if row[i] != LOCAL_DISTANCE or any(v < LOCAL_DISTANCE for v in row):
                raise ValueError("NumaTopology: distance[i][i] must be 10 and all entries >= 10")

    @property
    def ncpu(self) -> int:
        """Total cores."""
        return self.nodes * self.cores_per_node

    def cost_matrix(self, penalty_ns: int) -> tuple[tuple[int, ...], ...]:
        """ns charged to a goroutine resumed on node j after running on node i."""
        return tuple(
            tuple(
                penalty_ns * (d - LOCAL_DISTANCE) // (DEFAULT_REMOTE_DISTANCE - LOCAL_DISTANCE)
                for d in row
            )
            for row in self.distance
        )


def parse_numa(spec: str, where: str = "--numa") -> NumaTopology:
    """``"AxB"`` (A nodes of B cores), optionally ``":d01,d02,...,d12,..."`` with the
    off-diagonal distances row by row (e.g. ``2x8:21,21``).  One-line UserInputError."""
    text = spec.strip().lower()
    shape, _, dist = text.partition(":")
    a, sep, b = shape.partition("x")
    if not sep or not a.isdigit() or not b.isdigit() or int(a) < 1 or int(b) < 1:
        raise UserInputError(
            f"{where}: expected NODESxCORES like 2x8 (optionally :d,d,... distances), got {spec!r}"
        )
    nodes, cores = int(a), int(b)
    if not dist:
        return NumaTopology(nodes, cores)
    try:
        vals = [int(v) for v in dist.split(",")]
    except ValueError:
        raise UserInputError(f"{where}: distances must be integers, got {dist!r}") from None
    need = nodes * (nodes - 1)
    if len(vals) != need or any(v < LOCAL_DISTANCE for v in vals):
        raise UserInputError(
            f"{where}: expected {need} off-diagonal distances >= 10 for {nodes} nodes, got {dist!r}"
        )
    it = iter(vals)
    rows = tuple(
        tuple(LOCAL_DISTANCE if i == j else next(it) for j in range(nodes)) for i in range(nodes)
    )
    return NumaTopology(nodes, cores, rows)


__all__ = ["NumaTopology", "parse_numa", "LOCAL_DISTANCE", "DEFAULT_REMOTE_DISTANCE"]
