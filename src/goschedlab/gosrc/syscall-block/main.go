// Command syscall-block: G goroutines, R rounds each of a blocking
// nanosleep(S µs) system call (through syscall.Syscall, hence the runtime's
// entersyscall/exitsyscall and possible P hand-off) followed by a W µs spin.
// Series: round (whole round), nanosleep (the call alone).
// Phase: T0 before the go statements, T1 when all goroutines are done.
package main

import (
	"flag"
	"sync"
	"syscall"

	"goschedlab/gosrc/lab"
)

func main() {
	nG := flag.Int("g", 16, "goroutines")
	sleepUs := flag.Float64("s", 1000, "nanosleep per round, µs")
	spinUs := flag.Float64("w", 100, "spin per round, µs")
	nR := flag.Int("r", 100, "rounds per goroutine")
	flag.Parse()
	rep := lab.NewReport("syscall-block")
	rep.Params()

	g, r := *nG, *nR
	s, w := lab.UsToNs(*sleepUs), lab.UsToNs(*spinUs)
	rounds, naps := make([]int64, g*r), make([]int64, g*r)
	var wg sync.WaitGroup
	wg.Add(g)
	before := lab.Threads()

	rep.Begin()
	for k := range g {
		go func() {
			req := syscall.NsecToTimespec(s)
			for i := range r {
				a := lab.Now()
				var left syscall.Timespec
				_ = syscall.Nanosleep(&req, &left)
				b := lab.Now()
				lab.SpinNs(w)
				c := lab.Now()
				rounds[k*r+i], naps[k*r+i] = c-a, b-a
			}
			wg.Done()
		}()
	}
	wg.Wait()
	rep.Finish()
	rep.Latency("round", rounds)
	rep.Latency("nanosleep", naps)
	rep.Set("threads_before_phase", before)
	rep.Set("ideal_cpu_ns", float64(g)*float64(r)*float64(w))
	rep.Emit()
}
