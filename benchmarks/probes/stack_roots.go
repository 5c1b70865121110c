// Probe (docs/validation.md mechanism 320): the mark CPU of markroot's stack jobs per
// goroutine state.  Build and run with Go 1.23.1, under the CPU lock:
//
//	go build -o /tmp/stack_roots benchmarks/probes/stack_roots.go
//	GOMAXPROCS=1 [GODEBUG=gcstoptheworld=1] /tmp/stack_roots parked|dead|runnable N
//
// parked: N goroutines blocked on a channel receive; dead: N goroutines that exited (still in
// allgs); runnable: N go statements, then at once one runtime.GC() (with gcstoptheworld=1 the
// queued goroutines cannot run during the mark, so each is scanned as runnable and never run).
// parked / dead print 5 forced cycles after a warm-up one; runnable prints the one cycle.
// Mark CPU is /cpu/classes/gc/mark/{assist,dedicated,idle} around each runtime.GC().
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

func markCPU() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/mark/assist:cpu-seconds"}, {Name: "/cpu/classes/gc/mark/dedicated:cpu-seconds"}, {Name: "/cpu/classes/gc/mark/idle:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64() + s[1].Value.Float64() + s[2].Value.Float64()
}

func main() {
	mode := os.Args[1]
	n, _ := strconv.Atoi(os.Args[2])
	ch := make(chan int)
	var wg sync.WaitGroup
	if mode == "runnable" {
		for i := 0; i < n; i++ {
			go func() { <-ch }()
		}
		c0 := markCPU()
		t0 := time.Now()
		runtime.GC()
		w := time.Since(t0)
		fmt.Printf("%s n=%d rep=0 wall_us=%.1f markcpu_us=%.1f\n", mode, n, float64(w.Nanoseconds())/1e3, (markCPU()-c0)*1e6)
		return
	}
	wg.Add(n)
	for i := 0; i < n; i++ {
		if mode == "parked" {
			go func() { wg.Done(); <-ch }()
		} else {
			go func() { wg.Done() }()
		}
	}
	wg.Wait()
	time.Sleep(20 * time.Millisecond)
	runtime.GC()
	for r := 0; r < 5; r++ {
		c0 := markCPU()
		t0 := time.Now()
		runtime.GC()
		w := time.Since(t0)
		fmt.Printf("%s n=%d rep=%d wall_us=%.1f markcpu_us=%.1f\n", mode, n, r, float64(w.Nanoseconds())/1e3, (markCPU()-c0)*1e6)
	}
	close(ch)
}
