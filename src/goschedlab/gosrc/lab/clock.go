// Package lab is the shared harness of goschedlab's own Go workloads: a
// monotonic clock, busy-wait spinning, the seeded splitmix64 generator behind
// every random input, the open-loop request generator, nearest-rank
// percentiles and the one JSON report each program writes to stdout.
//
// The programs reproduce the reference corpus workloads flag for flag and key
// for key, so a result of ours and a corpus result can be compared directly.
// Standard library only.
package lab

import "time"

// base is read once at package initialisation; every timestamp is an offset
// from it. Because base carries a monotonic reading, time.Since(base) costs
// one runtime nanotime call.
var base = time.Now()

// Now is the monotonic time in ns since the process started.
func Now() int64 { return int64(time.Since(base)) }

// SpinUntil keeps the CPU busy until Now() reaches t.
func SpinUntil(t int64) {
	for Now() < t {
	}
}

// SpinNs keeps the CPU busy for d ns of elapsed time. Elapsed, not CPU: if
// the goroutine is descheduled meanwhile, that time counts toward d.
func SpinNs(d int64) {
	if d > 0 {
		SpinUntil(Now() + d)
	}
}

// UsToNs converts a flag value in microseconds to integer nanoseconds
// (truncating, as the corpus does).
func UsToNs(us float64) int64 { return int64(us * 1000) }
