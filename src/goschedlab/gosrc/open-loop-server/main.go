// Command open-loop-server: Poisson arrivals (rate L, window D s) each served
// by a new goroutine spinning an exponential service time of mean M µs. Gaps
// and service times come alternately from one seeded splitmix64 stream.
// Latency of request i: end of its spin - (T0 + a_i).
// Phase: T0 at the start of the schedule, T1 when every handler is done.
package main

import (
	"flag"
	"sync"

	"goschedlab/gosrc/lab"
)

func main() {
	rate := flag.Float64("rate", 5000, "arrival rate L, requests/s")
	window := flag.Float64("d", 2, "arrival window D, s")
	meanUs := flag.Float64("mean", 100, "mean service time M, µs (exponential)")
	seed := flag.Uint64("seed", 1, "seed of arrivals and service times")
	flag.Parse()
	rep := lab.NewReport("open-loop-server")
	rep.Params()

	mean := *meanUs * 1000
	offs, svc := lab.Poisson(lab.NewRng(*seed), *rate, *window,
		func(g *lab.Rng) int64 { return g.ExpNs(mean) })
	n := len(offs)
	rep.Set("arrivals_checksum", lab.Checksum(offs))
	rep.Set("service_checksum", lab.Checksum(svc))
	var work int64
	for _, s := range svc {
		work += s
	}
	spawned, began, done := make([]int64, n), make([]int64, n), make([]int64, n)
	var wg sync.WaitGroup
	wg.Add(n)
	handle := func(i int) {
		began[i] = lab.Now()
		lab.SpinNs(svc[i])
		done[i] = lab.Now()
		wg.Done()
	}

	t0 := rep.Begin()
	lab.OpenLoop(t0, offs, func(i int) {
		spawned[i] = lab.Now()
		go handle(i)
	})
	wg.Wait()
	rep.Finish()

	lat, lag, delay, slow := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, a := range offs {
		due := t0 + a
		lat[i] = done[i] - due
		lag[i] = spawned[i] - due
		delay[i] = began[i] - spawned[i]
		slow[i] = done[i] - began[i] - svc[i]
	}
	rep.Latency("request", lat)
	rep.Latency("spawn_lag", lag)
	rep.Latency("start_delay", delay)
	rep.Latency("run_minus_service", slow)
	rep.Set("requests", n)
	rep.Set("service_total_ns", work)
	rep.Set("offered_util_per_core", float64(work)/(*window*1e9)/float64(rep.Procs()))
	rep.Emit()
}
