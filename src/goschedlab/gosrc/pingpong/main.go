// Command pingpong: P independent pairs, each pair passing a token back and
// forth R times over one unbuffered channel. The initiator sends then
// receives (then spins W µs); the echo receives, spins W µs, sends back.
// Phase: T0 before the 2P go statements (echo first, then initiator, pair by
// pair), T1 when every initiator finished.
package main

import (
	"flag"
	"sync"

	"goschedlab/gosrc/lab"
)

func main() {
	rounds := flag.Int("r", 200000, "round trips per pair")
	nPairs := flag.Int("pairs", 1, "independent pairs")
	spinUs := flag.Float64("w", 0, "spin after each receive, µs (both sides)")
	flag.Parse()
	rep := lab.NewReport("pingpong")
	rep.Params()

	R, P, w := *rounds, *nPairs, lab.UsToNs(*spinUs)
	links := make([]chan int, P)
	for k := range links {
		links[k] = make(chan int)
	}
	doneAt := make([]int64, P)
	var wg sync.WaitGroup
	wg.Add(P)

	t0 := rep.Begin()
	for k := range P {
		c := links[k]
		go func() { // echo side
			for range R {
				v := <-c
				lab.SpinNs(w)
				c <- v
			}
		}()
		go func() { // initiator side
			for i := range R {
				c <- i
				<-c
				lab.SpinNs(w)
			}
			doneAt[k] = lab.Now()
			wg.Done()
		}()
	}
	wg.Wait()
	t1 := rep.Finish()

	fin := make([]int64, P)
	for k := range fin {
		fin[k] = doneAt[k] - t0
	}
	span := float64(t1 - t0)
	rep.Latency("pair_finish_since_t0", fin)
	rep.Set("ns_per_roundtrip", span/float64(R))
	rep.Set("ns_per_handoff", span/float64(2*R))
	rep.Set("total_roundtrips", R*P)
	rep.Emit()
}
