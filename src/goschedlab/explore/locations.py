"""Shared memory locations of an explored model.

A model allocates every shared cell through a :class:`Layout` before exploration starts. A
location is a plain integer index into the memory vector plus metadata the explorer uses:

* ``writers``: the thread ids allowed to write it (``None`` = anyone). Loads of a location no
  other thread writes are independent of every other thread, so the partial-order reduction
  may take them alone. The declaration is checked at run time: a write by another thread raises.
* ``private``: the single thread that ever touches it (loads and stores); such accesses are
  independent of everything other threads do.
"""

from __future__ import annotations

from collections.abc import Iterable


class Location:
    """One shared cell. Identity-hashed; immutable after the layout is frozen."""

    __slots__ = ("name", "index", "init", "writers", "private")

    def __init__(
        self,
        name: str,
        index: int,
        init: int,
        writers: frozenset[int] | None,
        private: int | None,
    ) -> None:
        self.name = name
        self.index = index
        self.init = init
        self.writers = writers
        self.private = private

    def __repr__(self) -> str:
        return self.name


class Layout:
    """Allocator of the shared cells of one model instance."""

    __slots__ = ("locations", "_names")

    def __init__(self) -> None:
        self.locations: list[Location] = []
        self._names: set[str] = set()

    def loc(
        self,
        name: str,
        init: int = 0,
        *,
        writers: Iterable[int] | None = None,
        private: int | None = None,
    ) -> Location:
        """Allocate one cell named ``name`` holding ``init``."""
        if name in self._names:
            raise ValueError(f"duplicate location name {name!r}")
        self._names.add(name)
        w = frozenset(writers) if writers is not None else None
        if private is not None:
            w = frozenset((private,))
        loc = Location(name, len(self.locations), init, w, private)
        self.locations.append(loc)
        return loc

    def array(
        self,
        name: str,
        n: int,
        init: int = 0,
        *,
        writers: Iterable[int] | None = None,
        private: int | None = None,
    ) -> list[Location]:
        """Allocate ``n`` cells ``name[0]`` .. ``name[n-1]``."""
        w = tuple(writers) if writers is not None else None
        return [self.loc(f"{name}[{i}]", init, writers=w, private=private) for i in range(n)]

    def initial_values(self) -> tuple[int, ...]:
        return tuple(loc.init for loc in self.locations)
