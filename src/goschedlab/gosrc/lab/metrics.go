package lab

import (
	"math"
	"runtime/metrics"
	"strings"
)

// fullHists are the Float64 histograms kept with every bucket; all other
// histogram metrics (size classes) are left out of the report.
var fullHists = []string{
	"/sched/latencies:seconds",
	"/gc/pauses:seconds",
	"/sched/pauses/total/gc:seconds",
	"/sched/pauses/stopping/gc:seconds",
	"/sched/pauses/total/other:seconds",
	"/sched/pauses/stopping/other:seconds",
	"/sync/mutex/wait/total:seconds",
}

// hist is a histogram snapshot as written in metrics_end.
type hist struct {
	Boundaries []any    `json:"boundaries"`
	Counts     []uint64 `json:"counts"`
	Total      uint64   `json:"total"`
}

// probe reads one fixed set of runtime/metrics samples.
type probe struct {
	samples    []metrics.Sample
	cumulative map[string]bool
}

func newProbe() *probe {
	keep := map[string]bool{}
	for _, n := range fullHists {
		keep[n] = true
	}
	p := &probe{cumulative: map[string]bool{}}
	for _, d := range metrics.All() {
		if strings.HasPrefix(d.Name, "/godebug/") {
			continue
		}
		if d.Kind == metrics.KindFloat64Histogram && !keep[d.Name] {
			continue
		}
		p.samples = append(p.samples, metrics.Sample{Name: d.Name})
		p.cumulative[d.Name] = d.Cumulative
	}
	return p
}

func bound(x float64) any {
	switch {
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return x
}

// read takes a snapshot; histograms are copied out of the runtime's buffers.
func (p *probe) read() map[string]any {
	metrics.Read(p.samples)
	snap := make(map[string]any, len(p.samples))
	for _, s := range p.samples {
		switch s.Value.Kind() {
		case metrics.KindUint64:
			snap[s.Name] = s.Value.Uint64()
		case metrics.KindFloat64:
			snap[s.Name] = s.Value.Float64()
		case metrics.KindFloat64Histogram:
			h := s.Value.Float64Histogram()
			out := hist{Counts: make([]uint64, len(h.Counts))}
			copy(out.Counts, h.Counts)
			for _, c := range out.Counts {
				out.Total += c
			}
			for _, b := range h.Buckets {
				out.Boundaries = append(out.Boundaries, bound(b))
			}
			snap[s.Name] = out
		}
	}
	return snap
}

// diff is end minus start for every cumulative metric; a histogram becomes
// {"counts", "total"} (its boundaries are those in metrics_end).
func (p *probe) diff(start, end map[string]any) map[string]any {
	d := map[string]any{}
	for name, v := range end {
		if !p.cumulative[name] {
			continue
		}
		switch e := v.(type) {
		case uint64:
			d[name] = e - start[name].(uint64)
		case float64:
			d[name] = e - start[name].(float64)
		case hist:
			s := start[name].(hist)
			counts := make([]uint64, len(e.Counts))
			var total uint64
			for i := range counts {
				counts[i] = e.Counts[i] - s.Counts[i]
				total += counts[i]
			}
			d[name] = map[string]any{"counts": counts, "total": total}
		}
	}
	return d
}

// upperBound is the upper boundary of the bucket holding the q-quantile
// (rank ceil(q*total), at least 1), or nil for an empty histogram.
func upperBound(bounds []any, counts []uint64, q float64) any {
	var total uint64
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		return nil
	}
	want := max(uint64(math.Ceil(q*float64(total))), 1)
	var seen uint64
	for i, c := range counts {
		seen += c
		if seen >= want {
			return bounds[i+1]
		}
	}
	return bounds[len(bounds)-1]
}

func histQuantiles(bounds []any, counts []uint64) map[string]any {
	var total uint64
	for _, c := range counts {
		total += c
	}
	return map[string]any{
		"count":        total,
		"p50_upper_s":  upperBound(bounds, counts, 0.5),
		"p90_upper_s":  upperBound(bounds, counts, 0.9),
		"p99_upper_s":  upperBound(bounds, counts, 0.99),
		"p999_upper_s": upperBound(bounds, counts, 0.999),
		"max_upper_s":  upperBound(bounds, counts, 1),
	}
}
