// Probe (docs/validation.md mechanism 310): calibrate's handoffs() trial (gosrc/calibrate/main.go)
// with absolute CLOCK_MONOTONIC stamps (runtime.nanotime), to line up with a tracefs trace whose
// trace_clock is mono (handoff_trace.sh; handoff_breakdown.py reads both).  Build with Go 1.23.1:
//
//	cd benchmarks/probes && go build -o /tmp/handoff_trial handoff_trial.go
//	GOMAXPROCS=1 /tmp/handoff_trial [-n 200]
//
// Prints one line per trial, "T <start ns> <latency ns>", and p10/p50/p90 of the latencies.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sort"
	"syscall"
	"time"
	_ "unsafe"
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

func main() {
	n := flag.Int("n", 200, "trials")
	flag.Parse()
	lat := make([]int64, *n)
	starts := make([]int64, *n)
	req := syscall.NsecToTimespec(3_000_000)
	for i := range lat {
		var start int64
		got := make(chan int64, 1)
		done := make(chan struct{})
		go func() { got <- nanotime() }()
		go func() {
			start = nanotime()
			_ = syscall.Nanosleep(&req, nil)
			close(done)
		}()
		runtime.Gosched()
		t := <-got
		<-done
		lat[i] = t - start
		starts[i] = start
		time.Sleep(2 * time.Millisecond)
	}
	for i := range lat {
		fmt.Printf("T %d %d\n", starts[i], lat[i])
	}
	s := append([]int64(nil), lat...)
	sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
	fmt.Printf("p10 %d p50 %d p90 %d\n", s[len(s)/10], s[len(s)/2], s[len(s)*9/10])
}
