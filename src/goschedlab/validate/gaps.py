"""Known model gaps: why a validation case misses (issue 7: "say why in the report").

The table is data, shipped with the package and reviewable on its own:
``goschedlab/validate/gaps.toml``.  Each ``[[gap]]`` entry names

* a match rule: ``workload`` (name or glob, or a list of them), optional ``setting`` and
  ``metric`` (globs or lists of globs, default ``*``), optional ``gomaxprocs`` (an int or a
  list) and optional ``sign`` (``"low"``: only misses where the simulated median is below the
  real one, ``"high"``: above) -- a mechanism that makes the model too fast does not explain a
  case where it is too slow;
* ``mechanism``: one sentence, what real Go or the OS does that the model does not;
* ``doc``: where the evidence is written up (``docs/<file>.md#<heading anchor>``);
* ``done`` (required): one sentence, what the project did about the gap - which docs sections
  measured it (by number), which model changes were tried and their net result, what was kept
  and, where the docs say, what is still needed (issue 7: "the note names, for each miss, the
  mechanism responsible and what was done about it").

:func:`explain` gives every miss the mechanism (and ``done``) of the FIRST matching entry
(order entries from specific to general); a miss that matches none stays *unexplained*
(``reason`` None) and is counted as such, so the report shows what is not understood.  Cases
within tolerance never get a reason.  Entries describe mechanisms, not figures: an entry keeps
matching whether the miss is 30 % or 300 %, and stops mattering the day the case passes.

Rejected alternatives: free-text notes per case in the results (not reviewable, rot with
every model change); explaining by metric alone (the same metric misses for different
reasons in different workloads); regular expressions (globs are enough and easier to read).
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from goschedlab.errors import UserInputError

#: The shipped table.
GAPS_FILE = "gaps.toml"

_KEYS = {"id", "workload", "setting", "gomaxprocs", "metric", "sign", "mechanism", "doc",
         "done"}
#: The required string keys and what each must hold (the error names it).
_REQUIRED = {
    "id": "a non-empty string", "mechanism": "a non-empty string", "doc": "a non-empty string",
    "done": "one sentence: what was done about this gap - sections that measured it, changes "
            "tried, kept",
}


@dataclass(frozen=True, slots=True)
class Gap:
    """One known model gap: which misses it explains and why."""

    id: str
    workload: tuple[str, ...]
    setting: tuple[str, ...]
    gomaxprocs: tuple[int, ...]  # empty: any
    metric: tuple[str, ...]
    sign: str  # "", "low" or "high"
    mechanism: str
    doc: str
    #: What the project did about it: sections that measured it, changes tried, what was kept.
    done: str

    def matches(self, workload: str, setting: str, gomaxprocs: int, metric: str,
                rel_error: float | None) -> bool:
        """True when this gap's rule covers the case (see the module docstring)."""
        if self.gomaxprocs and gomaxprocs not in self.gomaxprocs:
            return False
        if not any(fnmatch.fnmatchcase(workload, p) for p in self.workload):
            return False
        if not any(fnmatch.fnmatchcase(setting, p) for p in self.setting):
            return False
        if not any(fnmatch.fnmatchcase(metric, p) for p in self.metric):
            return False
        if self.sign:
            if rel_error is None or rel_error != rel_error or rel_error == 0:
                return False
            if (rel_error < 0) != (self.sign == "low"):
                return False
        return True


def _entry_lines(text: str) -> list[int]:
    """1-based line of each ``[[gap]]`` header, for error messages."""
    return [i + 1 for i, ln in enumerate(text.splitlines()) if ln.strip().startswith("[[gap]]")]


def _globs(where: str, key: str, v: Any, default: str | None) -> tuple[str, ...]:
    if v is None:
        if default is None:
            raise UserInputError(f"{where}: missing '{key}' (a name/glob or a list of them)")
        return (default,)
    vals = [v] if isinstance(v, str) else v
    if not isinstance(vals, list) or not vals or not all(isinstance(x, str) and x for x in vals):
        raise UserInputError(f"{where}: '{key}' must be a non-empty string or list of strings")
    return tuple(vals)


def parse_gaps(text: str, origin: str = GAPS_FILE) -> tuple[Gap, ...]:
    """Parse a gaps table; a malformed one raises UserInputError naming file and line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UserInputError(f"{origin}: not valid TOML: {err}") from None
    extra = set(data) - {"gap"}
    if extra:
        raise UserInputError(f"{origin}: unexpected top-level key(s) {sorted(extra)}; "
                             "expected only [[gap]] entries")
    entries = data.get("gap", [])
    if not isinstance(entries, list):
        raise UserInputError(f"{origin}: 'gap' must be an array of tables ([[gap]])")
    lines = _entry_lines(text)
    out: list[Gap] = []
    seen: set[str] = set()
    for n, e in enumerate(entries):
        line = lines[n] if n < len(lines) else 0
        where = f"{origin}:{line}: [[gap]] #{n + 1}"
        unknown = set(e) - _KEYS
        if unknown:
            raise UserInputError(f"{where}: unknown key(s) {sorted(unknown)}; "
                                 f"expected {sorted(_KEYS)}")
        for key, want in _REQUIRED.items():
            if not isinstance(e.get(key), str) or not e[key].strip():
                raise UserInputError(f"{where}: missing '{key}' ({want})")
        if e["id"] in seen:
            raise UserInputError(f"{where}: duplicate id {e['id']!r}")
        seen.add(e["id"])
        gmp = e.get("gomaxprocs", [])
        gmps = [gmp] if isinstance(gmp, int) else gmp
        if not isinstance(gmps, list) or not all(
                isinstance(g, int) and not isinstance(g, bool) and g >= 1 for g in gmps):
            raise UserInputError(f"{where}: 'gomaxprocs' must be a positive int or a list of them")
        sign = e.get("sign", "")
        if sign not in ("", "low", "high"):
            raise UserInputError(f"{where}: 'sign' must be \"low\" or \"high\", got {sign!r}")
        if "#" not in e["doc"]:
            raise UserInputError(f"{where}: 'doc' must be docs/<file>.md#<anchor>")
        out.append(Gap(
            id=e["id"], workload=_globs(where, "workload", e.get("workload"), None),
            setting=_globs(where, "setting", e.get("setting"), "*"), gomaxprocs=tuple(gmps),
            metric=_globs(where, "metric", e.get("metric"), "*"), sign=sign,
            mechanism=" ".join(e["mechanism"].split()), doc=e["doc"].strip(),
            done=" ".join(e["done"].split()),
        ))
    return tuple(out)


def load_gaps(path: Path | None = None) -> tuple[Gap, ...]:
    """The shipped table (``path`` None) or a user's table file."""
    if path is None:
        text = resources.files("goschedlab.validate").joinpath(GAPS_FILE).read_text("utf-8")
        return parse_gaps(text, f"goschedlab/validate/{GAPS_FILE}")
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UserInputError(f"{path}: cannot read the gaps table: {err}") from None
    return parse_gaps(text, str(path))


def find_gap(gaps: Iterable[Gap], workload: str, setting: str, gomaxprocs: int, metric: str,
             rel_error: float | None) -> Gap | None:
    """The first gap whose rule covers the case, or None (unexplained)."""
    for g in gaps:
        if g.matches(workload, setting, gomaxprocs, metric, rel_error):
            return g
    return None


def gap_index(gaps: Sequence[Gap]) -> dict[str, Gap]:
    """Gaps by id."""
    return {g.id: g for g in gaps}
