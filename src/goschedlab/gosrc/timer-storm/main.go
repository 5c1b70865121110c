// Command timer-storm: G goroutines, R rounds each of time.Sleep(d) then a
// W µs spin. Goroutine k draws its sleeps before the phase from its own
// splitmix64 stream seeded seed + k<<32, d uniform in [0, maxsleep).
// Series: oversleep = sleep's elapsed time - d; round = whole round.
// Phase: T0 before the go statements, T1 when all are done.
package main

import (
	"flag"
	"sync"
	"time"

	"goschedlab/gosrc/lab"
)

func main() {
	nG := flag.Int("g", 100, "goroutines")
	spinUs := flag.Float64("w", 5, "spin per round, µs")
	nR := flag.Int("r", 100, "rounds per goroutine")
	maxUs := flag.Float64("maxsleep", 2000, "sleeps are uniform in [0, maxsleep) µs")
	seed := flag.Uint64("seed", 1, "base seed of the sleep lengths")
	flag.Parse()
	rep := lab.NewReport("timer-storm")
	rep.Params()

	g, r, w := *nG, *nR, lab.UsToNs(*spinUs)
	limit := lab.UsToNs(*maxUs)
	naps := make([]int64, g*r)
	var total int64
	for k := range g {
		src := lab.NewRng(*seed + uint64(k)<<32)
		for i := range r {
			naps[k*r+i] = src.UniformNs(limit)
			total += naps[k*r+i]
		}
	}
	over, rounds := make([]int64, g*r), make([]int64, g*r)
	var wg sync.WaitGroup
	wg.Add(g)

	rep.Begin()
	for k := range g {
		go func() {
			for i := range r {
				d := naps[k*r+i]
				a := lab.Now()
				time.Sleep(time.Duration(d))
				b := lab.Now()
				lab.SpinNs(w)
				c := lab.Now()
				over[k*r+i], rounds[k*r+i] = b-a-d, c-a
			}
			wg.Done()
		}()
	}
	wg.Wait()
	rep.Finish()
	rep.Latency("oversleep", over)
	rep.Latency("round", rounds)
	rep.Set("sleep_total_ns", total)
	rep.Set("sleeps_checksum", lab.Checksum(naps))
	rep.Emit()
}
