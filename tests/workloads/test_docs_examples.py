"""The custom-workload examples in README.md and the workloads package docstring run."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import goschedlab.workloads

README = Path(__file__).parent.parent.parent / "README.md"


def _run(code: str) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, "<example>", "exec"), {"__name__": "example"})  # our own docs
    return buf.getvalue()


def test_readme_custom_workload_example() -> None:
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    example = [b for b in blocks if 'Scenario("mine"' in b]
    assert len(example) == 1
    out = _run(example[0])
    # 8 workers x 50 us on 2 Ps: 4 rounds of 50 us plus scheduling overheads
    assert 200_000 <= int(out.strip()) < 260_000


def test_package_docstring_example() -> None:
    doc = goschedlab.workloads.__doc__ or ""
    code = doc.split("Writing a workload::", 1)[1]
    code = "\n".join(line[4:] for line in code.splitlines())
    out = _run(code)
    assert 200_000 <= int(out.strip()) < 260_000
