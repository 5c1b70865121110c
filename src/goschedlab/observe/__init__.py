"""Writers of Go's observables for simulated runs.

What it models
    What a Go 1.23 program lets you observe about its scheduler, produced from the model's
    state in the real formats so that real and simulated runs compare directly:

    * :mod:`.schedtrace` - ``GODEBUG=schedtrace=X`` summary lines and ``scheddetail=1`` blocks
      (proc.go: schedtrace), byte-for-byte in Go's format.
    * :mod:`.timehist` - runtime/metrics export of a timeHistogram (boundaries in seconds with
      ``"-Inf"``/``"+Inf"``, 162 counts) and the corpus' bucket-bound quantile summary.
    * :mod:`.latency` - per-request series summaries (nearest-rank percentiles and the sparse
      quarter-octave log histogram) exactly as the refcorpus programs compute them.
    * :mod:`.metrics` - a runtime/metrics snapshot of the model (``probe_runtime``).
    * :mod:`.result` - the JSON result object with the refcorpus keys, Go-style JSON encoding
      and atomic file writes.

Main objects
    ``SchedTrace`` (sysmon's schedtrace hook), ``MetricsSnapshot``, ``build_result``,
    ``summarize``, ``dumps_go``/``write_json_atomic``.

Invariants
    * A simulated result has exactly the key set of a real refcorpus result; what the model
      cannot know is ``null`` (``result.UNKNOWABLE_TOP_LEVEL``, ``result.UNKNOWABLE_METRICS``).
    * Formatting is a pure function of the model state: same state, same bytes.

Rejected alternatives
    * Approximating the schedtrace format with a looser "SCHED t: key=value" dump: analysis
      tools (and ``goschedlab analyze``) parse Go's exact text.
    * Omitting unknown metrics: key-for-key comparison with real results would then need a list
      of exceptions in every consumer; ``null`` keeps the shape and states "not modelled".
    * Python's ``json`` float format: Go writes ``6.4e-8`` and ``200``, Python ``6.4e-08`` and
      ``200.0``; we write Go's form so diffs against real files show only real differences.

Follows Go 1.23.1: runtime/proc.go (schedtrace), runtime/histogram.go and metrics.go
(timeHistogram export), and the refcorpus ``common`` package's report layout.
"""
