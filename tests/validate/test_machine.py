"""The machine of a validation's real side: machine.txt read, written and reported."""

from __future__ import annotations

import os
from pathlib import Path

from goschedlab.validate import run_validation, shipped_results
from goschedlab.validate.machine import (
    KEYS,
    _cpuinfo,
    describe_machine,
    machine_line,
    machine_text,
    read_machine,
)
from goschedlab.validate.render import print_report


def test_corpus_machine_is_read_from_its_machine_txt() -> None:
    corpus = shipped_results("1.23.1")
    assert corpus is not None
    m = read_machine(Path(corpus))
    assert m is not None
    # the known keys only: the file goes on with the log of its measuring passes
    assert set(m) == set(KEYS)
    assert (m["cpu_model"], m["nproc"], m["cpu_family/model/stepping"]) == ("AMD EPYC", "2",
                                                                            "25/1/1")
    assert machine_line(m) == "AMD EPYC (25/1/1), 2 CPUs, Linux 6.18.44-fc-v782, VM"
    assert machine_line(None) == "not recorded (no machine.txt)"


def test_this_machine_round_trips_through_machine_txt(tmp_path: Path) -> None:
    m = describe_machine("go1.23.1")
    assert tuple(m) == KEYS
    assert m["nproc"] == str(os.cpu_count()) and m["go_version"] == "go1.23.1"
    (tmp_path / "machine.txt").write_text(machine_text(m))
    assert read_machine(tmp_path) == m
    assert read_machine(tmp_path / "absent") is None


def test_cpuinfo_takes_the_first_processor_and_the_hypervisor_flag() -> None:
    text = ("processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\ncpu family\t: 6\n"
            "model\t\t: 167\nstepping\t: 1\nflags\t\t: fpu hypervisor avx\n\n"
            "processor\t: 1\nmodel name\t: other\n")
    cpu = _cpuinfo(text)
    assert cpu["model name"] == "Intel(R) Xeon(R) Processor" and cpu["model"] == "167"
    assert "hypervisor" in cpu["flags"].split()


def test_validation_names_the_machine_of_its_real_side(tmp_path: Path, capsys) -> None:
    corpus = shipped_results("1.23.1")
    assert corpus is not None
    v = run_validation(workloads="pingpong/default", gomaxprocs=[1], real=corpus, seeds=1)
    assert v.meta["machine"] == "AMD EPYC (25/1/1), 2 CPUs, Linux 6.18.44-fc-v782, VM"
    print_report(v)
    out = " ".join(capsys.readouterr().out.split())  # the line may wrap on a long path
    assert out.startswith("real: results tree ")
    assert "; machine: AMD EPYC (25/1/1), 2 CPUs, Linux 6.18.44-fc-v782, VM; simulated:" in out
    # a results tree without machine.txt says so
    tree = tmp_path / "go1.23.1" / "pingpong"
    tree.mkdir(parents=True)
    for f in (Path(corpus) / "pingpong").glob("default-gmp1-rep*.json"):
        (tree / f.name).write_bytes(f.read_bytes())
    v2 = run_validation(workloads="pingpong/default", gomaxprocs=[1], real=tree.parent, seeds=1)
    assert v2.meta["machine"] == "not recorded (no machine.txt)"
