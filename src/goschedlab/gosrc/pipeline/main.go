// Command pipeline: producer -> ch[0] -> stage 1 -> ... -> stage S -> ch[S]
// -> sink (the main goroutine); every channel has capacity C and every stage
// spins W µs per item. Closed loop (-rate 0): the producer sends as fast as
// ch[0] accepts, stamping arrive=Now(). Open loop (-rate L): item i is due
// at T0+a_i (cumulative seeded exponential gaps of mean 1/L) and the
// producer sleeps until then; arrive is the due time.
// Series: item_latency = sink receipt - arrive; item_residence = sink
// receipt - receipt by stage 1. Phase: T0 before the goroutines start, T1
// when the sink has drained ch[S].
package main

import (
	"flag"
	"time"

	"goschedlab/gosrc/lab"
)

type item struct {
	id     int32
	arrive int64
	enter  int64
}

func main() {
	nStages := flag.Int("s", 4, "stages")
	capacity := flag.Int("c", 16, "capacity of every channel")
	spinUs := flag.Float64("w", 10, "spin per item per stage, µs")
	nItems := flag.Int("n", 20000, "items")
	rate := flag.Float64("rate", 0, "open-loop arrival rate, items/s (0: closed loop)")
	seed := flag.Uint64("seed", 1, "seed of the open-loop arrivals")
	flag.Parse()
	rep := lab.NewReport("pipeline")
	rep.Params()

	n, S, w := *nItems, *nStages, lab.UsToNs(*spinUs)
	var due []int64
	if *rate > 0 {
		g := lab.NewRng(*seed)
		due = make([]int64, n)
		var t int64
		for i := range due {
			t += g.ExpNs(1e9 / *rate)
			due[i] = t
		}
		rep.Set("arrivals_checksum", lab.Checksum(due))
	}
	chs := make([]chan item, S+1)
	for i := range chs {
		chs[i] = make(chan item, *capacity)
	}
	lat, res := make([]int64, n), make([]int64, n)

	t0 := rep.Begin()
	for s := range S {
		in, out := chs[s], chs[s+1]
		go func() {
			for it := range in {
				if s == 0 {
					it.enter = lab.Now()
				}
				lab.SpinNs(w)
				out <- it
			}
			close(out)
		}()
	}
	go func() {
		first := chs[0]
		for i := range n {
			if due == nil {
				first <- item{id: int32(i), arrive: lab.Now()}
				continue
			}
			at := t0 + due[i]
			for now := lab.Now(); now < at; now = lab.Now() {
				time.Sleep(time.Duration(at - now))
			}
			first <- item{id: int32(i), arrive: at}
		}
		close(first)
	}()
	for it := range chs[S] {
		now := lab.Now()
		lat[it.id] = now - it.arrive
		res[it.id] = now - it.enter
	}
	rep.Finish()
	rep.Latency("item_latency", lat)
	rep.Latency("item_residence", res)
	rep.Set("ideal_cpu_ns", float64(n)*float64(S)*float64(w))
	rep.Emit()
}
