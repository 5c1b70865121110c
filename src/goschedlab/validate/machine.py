"""The machine real runs were measured on, in the reference corpus's ``machine.txt`` format.

A validation compares real runs with a simulator whose costs were fitted on one machine, so
its figures mean little without that machine: the shipped corpus records it in
``go<version>/machine.txt`` (``key: value`` lines), ``validate --save-real DIR`` writes the
same file for the runs it saves, and the validation's ``meta["machine"]`` names it.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from pathlib import Path

#: The keys of the corpus's machine.txt, in its order.
KEYS = ("go_version", "nproc", "cpu_model", "cpu_family/model/stepping", "cpu_mhz",
        "hypervisor", "kernel", "mem_total", "clocksource", "timerslack_ns")


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def _cpuinfo(text: str) -> dict[str, str]:
    """The first processor's ``field: value`` pairs of /proc/cpuinfo."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if out:
                break
            continue
        key, sep, value = line.partition(":")
        if sep:
            out.setdefault(key.strip(), value.strip())
    return out


def describe_machine(go_version: str | None = None) -> dict[str, str]:
    """This machine, with the corpus's keys (a value this OS does not expose is "unknown")."""
    cpu = _cpuinfo(_read("/proc/cpuinfo") or "")
    mem = next((ln.split(":", 1)[1].strip() for ln in (_read("/proc/meminfo") or "").splitlines()
                if ln.startswith("MemTotal:")), "unknown")
    clock = (_read("/sys/devices/system/clocksource/clocksource0/current_clocksource")
             or "unknown").strip()
    slack = (_read("/proc/self/timerslack_ns") or "unknown").strip()
    fms = "/".join(cpu.get(k, "?") for k in ("cpu family", "model", "stepping"))
    return {
        "go_version": go_version or "unknown",
        "nproc": str(os.cpu_count() or "unknown"),
        "cpu_model": cpu.get("model name") or platform.processor() or "unknown",
        "cpu_family/model/stepping": fms if cpu else "unknown",
        "cpu_mhz": cpu.get("cpu MHz", "unknown"),
        "hypervisor": ("yes" if "hypervisor" in cpu.get("flags", "").split() else "no")
        if cpu else "unknown",
        "kernel": f"{platform.system()} {platform.release()}",
        "mem_total": mem,
        "clocksource": clock,
        "timerslack_ns": slack,
    }


def machine_text(m: Mapping[str, str]) -> str:
    """``m`` as machine.txt: one ``key: value`` line per key, in the corpus's order."""
    return "".join(f"{k}: {m[k]}\n" for k in KEYS if k in m)


def read_machine(tree: Path) -> dict[str, str] | None:
    """The machine.txt of a results tree (its known keys; the corpus's file goes on with a
    log of its measuring passes), or None when the tree has none."""
    text = _read(str(Path(tree) / "machine.txt"))
    if text is None:
        return None
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in KEYS:
            out[key.strip()] = value.strip()
    return out


def machine_line(m: Mapping[str, str] | None) -> str:
    """One line for reports, e.g. "AMD EPYC (25/1/1), 2 CPUs, Linux 6.18.44-fc-v782, VM"."""
    if m is None:
        return "not recorded (no machine.txt)"
    parts = [f"{m.get('cpu_model', 'unknown CPU')} ({m.get('cpu_family/model/stepping', '?')})",
             f"{m.get('nproc', '?')} CPUs", m.get("kernel", "unknown kernel")]
    if m.get("hypervisor") == "yes":
        parts.append("VM")
    return ", ".join(parts)
