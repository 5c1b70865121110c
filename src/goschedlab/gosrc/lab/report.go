package lab

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/trace"
)

var traceOut = flag.String("trace", "", "write a runtime/trace of the measured phase to this file")

// Report collects one run's results and prints them as one JSON object.
// Usage: NewReport; flag.Parse; Params; set-up; T0 := Begin(); workload;
// Finish(); Latency/Set; Emit.
type Report struct {
	name    string
	params  map[string]any
	extra   map[string]any
	series  map[string]Series
	probe   *probe
	m0, m1  map[string]any
	u0, u1  usage
	h0, h1  cpuTimes
	on0     int64
	wait0   int64
	on1     int64
	wait1   int64
	threads int64
	T0, T1  int64
	traceF  *os.File
}

// NewReport starts the report of the named workload.
func NewReport(name string) *Report {
	return &Report{name: name, params: map[string]any{}, extra: map[string]any{},
		series: map[string]Series{}, probe: newProbe()}
}

// Params records the value of every flag (call after flag.Parse).
func (r *Report) Params() {
	flag.VisitAll(func(f *flag.Flag) {
		if g, ok := f.Value.(flag.Getter); ok {
			r.params[f.Name] = g.Get()
			return
		}
		r.params[f.Name] = f.Value.String()
	})
}

// Set adds a workload-specific top-level field.
func (r *Report) Set(key string, v any) { r.extra[key] = v }

// Latency adds the summary of one per-request series under latency.<name>.
func (r *Report) Latency(name string, ns []int64) { r.series[name] = Summary(ns) }

// Procs is the current GOMAXPROCS.
func (r *Report) Procs() int { return runtime.GOMAXPROCS(0) }

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	os.Exit(2)
}

// Begin reads the start snapshots and returns T0, the start of the measured phase.
func (r *Report) Begin() int64 {
	if *traceOut != "" {
		f, err := os.Create(*traceOut)
		if err != nil {
			fail("trace", err)
		}
		if err := trace.Start(f); err != nil {
			fail("trace", err)
		}
		r.traceF = f
	}
	r.m0 = r.probe.read()
	r.u0 = selfUsage()
	r.h0 = hostTimes()
	r.on0, r.wait0 = schedstat()
	r.T0 = Now()
	return r.T0
}

// Finish sets T1 and reads the end snapshots at once, before any summary
// work allocates. It returns T1.
func (r *Report) Finish() int64 {
	r.T1 = Now()
	r.h1 = hostTimes()
	r.on1, r.wait1 = schedstat()
	r.threads = Threads()
	r.u1 = selfUsage()
	r.m1 = r.probe.read()
	if r.traceF != nil {
		trace.Stop()
		r.traceF.Close()
	}
	return r.T1
}

func defaultGODEBUG() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "DefaultGODEBUG" {
				return s.Value
			}
		}
	}
	return ""
}

// Emit writes the JSON object to stdout.
func (r *Report) Emit() {
	delta := r.probe.diff(r.m0, r.m1)
	hs := map[string]any{}
	for _, name := range fullHists {
		end, ok := r.m1[name].(hist)
		if !ok {
			continue
		}
		ph := delta[name].(map[string]any)["counts"].([]uint64)
		hs[name] = map[string]any{
			"phase": histQuantiles(end.Boundaries, ph),
			"end":   histQuantiles(end.Boundaries, end.Counts),
		}
	}
	ru := r.u1.minus(r.u0)
	own := ru.UtimeNs + ru.StimeNs
	busy := r.h1.tasks - r.h0.tasks
	other := max(busy-own, 0)
	span := r.T1 - r.T0
	out := map[string]any{
		"workload":        r.name,
		"params":          r.params,
		"go_version":      runtime.Version(),
		"goos_goarch":     runtime.GOOS + "/" + runtime.GOARCH,
		"default_godebug": defaultGODEBUG(),
		"gomaxprocs":      runtime.GOMAXPROCS(0),
		"num_cpu":         runtime.NumCPU(),
		"env_GOMAXPROCS":  os.Getenv("GOMAXPROCS"),
		"env_GOGC":        os.Getenv("GOGC"),
		"env_GODEBUG":     os.Getenv("GODEBUG"),
		"makespan_ns":     span,
		"threads_end":     r.threads,
		"rusage_phase":    ru,
		"rusage_end":      r.u1,
		"host_cpu_phase": map[string]any{
			"host_busy_ns":          busy,
			"own_cpu_ns":            own,
			"other_cpu_ns":          other,
			"steal_ns":              r.h1.steal - r.h0.steal,
			"irq_softirq_ns":        r.h1.irq - r.h0.irq,
			"other_cpu_frac":        float64(other) / (float64(span) * float64(runtime.NumCPU())),
			"own_threads_oncpu_ns":  r.on1 - r.on0,
			"own_threads_rqwait_ns": r.wait1 - r.wait0,
			"note": "host-wide task CPU (user+nice+system, /proc/stat, 10 ms resolution) during the " +
				"phase; other_cpu_ns is that minus this process's rusage CPU; other_cpu_frac divides " +
				"it by makespan*ncpu; own_threads_* sum /proc/self/task/*/schedstat (ns on CPU, ns " +
				"waiting on an OS run queue)",
		},
		"metrics_end":         r.m1,
		"metrics_phase_delta": delta,
		"hist_summary":        hs,
		"latency":             r.series,
	}
	for k, v := range r.extra {
		out[k] = v
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail("json", err)
	}
}
