// Command gc-churn: a live heap of -live MiB of 64-byte pointer nodes is
// built and kept reachable, then a full GC runs. In the phase G goroutines
// each run I iterations of: allocate B/64 linked nodes, publish the list
// head in a global slot (dropping the previous list), spin W µs.
// Series: iteration (time of one iteration). Phase: T0 before the go
// statements, T1 when all are done. GC figures come from runtime/metrics.
package main

import (
	"flag"
	"runtime"
	"runtime/debug"
	"sync"

	"goschedlab/gosrc/lab"
)

// cell is 64 bytes: a pointer and 56 bytes of payload.
type cell struct {
	next *cell
	pad  [7]uint64
}

var (
	retained *cell
	slots    []*cell
)

func main() {
	nG := flag.Int("g", 4, "goroutines")
	nIter := flag.Int("iters", 10000, "iterations per goroutine")
	perIter := flag.Int("bytes", 8192, "bytes allocated per iteration (64-byte nodes)")
	spinUs := flag.Float64("w", 10, "spin per iteration, µs")
	liveMiB := flag.Int("live", 16, "long-lived heap, MiB")
	pct := flag.Int("gogc", 100, "GC percent (debug.SetGCPercent)")
	flag.Parse()
	rep := lab.NewReport("gc-churn")
	rep.Params()

	debug.SetGCPercent(*pct)
	nLive := *liveMiB << 20 / 64
	for range nLive {
		retained = &cell{next: retained}
	}
	g, it, per, w := *nG, *nIter, *perIter/64, lab.UsToNs(*spinUs)
	slots = make([]*cell, g)
	times := make([]int64, g*it)
	var wg sync.WaitGroup
	wg.Add(g)
	runtime.GC()

	rep.Begin()
	for k := range g {
		go func() {
			for i := range it {
				a := lab.Now()
				var list *cell
				for range per {
					list = &cell{next: list}
				}
				slots[k] = list
				lab.SpinNs(w)
				times[k*it+i] = lab.Now() - a
			}
			wg.Done()
		}()
	}
	wg.Wait()
	rep.Finish()
	runtime.KeepAlive(retained)
	rep.Latency("iteration", times)
	rep.Set("allocated_bytes_requested", int64(g)*int64(it)*int64(per)*64)
	rep.Set("live_nodes", nLive)
	rep.Emit()
}
