"""Scenarios: named workloads with Go-flag-like parameters, named settings and a main goroutine.

A :class:`Scenario` mirrors one refcorpus Go program: the same name, the same flags (``Param``)
with the same defaults, the same named settings (``run_all.sh``'s table) and a ``main`` generator
function that performs the program's measured phase with ops (``goschedlab.workloads.ops``)
and reports into a :class:`~goschedlab.workloads.report.Report`.

Users add their own with :class:`Registry` (no module-level mutable registry)::

    reg = Registry(builtin_scenarios())
    reg.add(Scenario("mine", "my workload", (Param("n", int, 10, "items"),), {}, "x", my_main))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from goschedlab.errors import UserInputError
from goschedlab.workloads.ops import GoroutineBody

MainFn = Callable[..., GoroutineBody]
"""``main(rep, params) -> generator of ops``: the scenario's main goroutine."""

_KINDS: dict[type, str] = {int: "int", float: "float", str: "string"}


@dataclass(frozen=True, slots=True)
class Param:
    """One flag of a workload: name (Go's flag name), type, default and help text."""

    name: str
    kind: type
    default: Any
    help: str
    minimum: float | None = None

    def parse(self, text: str, where: str) -> Any:
        """Parse ``text`` as this flag's type (Go's flag package rules, simplified)."""
        try:
            if self.kind is int:
                v: Any = int(text, 0)
            elif self.kind is float:
                v = float(text)
                if v != v or v in (float("inf"), float("-inf")):
                    raise ValueError
            else:
                v = text
        except ValueError:
            raise UserInputError(
                f"{where}: parameter '{self.name}' expects {_KINDS[self.kind]}, got {text!r}"
            ) from None
        self.check(v, where)
        return v

    def check(self, v: Any, where: str) -> None:
        """Reject values below ``minimum`` with a one-line message."""
        if self.minimum is not None and v < self.minimum:
            raise UserInputError(
                f"{where}: parameter '{self.name}' must be >= {self.minimum:g}, got {v}"
            )


@dataclass(frozen=True, slots=True)
class Scenario:
    """A workload: its flags, named settings (flag overrides), primary series and main goroutine.

    ``primary`` names the latency series summary tables lead with ("" if none);
    ``extra_params`` are flags every refcorpus program has but the model ignores (``-trace``
    of their common package), added to the result's ``params`` so they compare key for key.
    """

    name: str
    summary: str
    params: tuple[Param, ...]
    settings: Mapping[str, Mapping[str, Any]]
    primary: str
    main: MainFn
    notes: str = ""
    extra_params: Mapping[str, Any] = field(default_factory=lambda: {"trace": ""})

    def param(self, name: str) -> Param:
        """The flag called ``name``, or a one-line UserInputError listing the valid ones."""
        for p in self.params:
            if p.name == name:
                return p
        valid = ", ".join(p.name for p in self.params)
        raise UserInputError(f"{self.name}: unknown parameter '{name}' (valid: {valid})")

    def defaults(self) -> dict[str, Any]:
        """Every flag at its default value."""
        return {p.name: p.default for p in self.params}

    def resolve(
        self, setting: str | None = None, overrides: Iterable[str] | Mapping[str, Any] = ()
    ) -> dict[str, Any]:
        """Defaults, then the named setting, then ``key=value`` overrides (strings or values).

        A mapping may be a real result file's ``params`` as is (ignored flags such as
        ``trace: ""`` at their default are skipped).
        """
        values = self.defaults()
        if setting is not None:
            if setting not in self.settings:
                valid = ", ".join(self.settings)
                raise UserInputError(f"{self.name}: unknown setting '{setting}' (valid: {valid})")
            values.update(self.settings[setting])
        if isinstance(overrides, Mapping):
            for k, v in overrides.items():
                if k in self.extra_params and v == self.extra_params[k]:
                    continue  # e.g. a real result's params: {"trace": "", ...}
                p = self.param(k)
                v = p.parse(v, "--set") if isinstance(v, str) else p.kind(v)
                p.check(v, "--set")
                values[k] = v
        else:
            for item in overrides:
                k, sep, text = item.partition("=")
                if not sep or not k:
                    raise UserInputError(f"--set {item!r}: expected key=value")
                values[k] = self.param(k.strip()).parse(text.strip(), f"--set {item}")
        return values


class Registry:
    """Scenarios by name (an explicit object; pass it to the driver to use custom scenarios)."""

    __slots__ = ("_by_name",)

    def __init__(self, scenarios: Iterable[Scenario] = ()) -> None:
        self._by_name: dict[str, Scenario] = {}
        for s in scenarios:
            self.add(s)

    def add(self, scenario: Scenario) -> None:
        """Register ``scenario``; a duplicate name is a ValueError."""
        if scenario.name in self._by_name:
            raise ValueError(f"scenario {scenario.name!r} already registered")
        self._by_name[scenario.name] = scenario

    def get(self, name: str) -> Scenario:
        """The scenario called ``name``, or a one-line UserInputError listing the valid names."""
        try:
            return self._by_name[name]
        except KeyError:
            valid = ", ".join(sorted(self._by_name))
            raise UserInputError(f"unknown workload '{name}' (valid: {valid})") from None

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._by_name)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_name[n] for n in self.names())

    def __len__(self) -> int:
        return len(self._by_name)
