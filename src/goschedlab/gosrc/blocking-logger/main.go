// Command blocking-logger: open-loop requests (Poisson, rate L, window D s,
// seeded) each spin W µs and then send one record on a channel of capacity
// C, drained by a single logger goroutine that spins K µs per record.
// The main goroutine is the arrival generator (lab.OpenLoop); it notes the
// spawn time and starts one goroutine per arrival.
// Latency of request i: completion of its send - (T0 + a_i).
// Phase: T0 at the start of the schedule, T1 = end of the logger's last spin.
package main

import (
	"flag"
	"sync"

	"goschedlab/gosrc/lab"
)

type entry struct {
	id int32
	t  int64
}

func main() {
	rate := flag.Float64("rate", 2000, "arrival rate L, requests/s")
	window := flag.Float64("d", 2, "arrival window D, s")
	reqUs := flag.Float64("w", 100, "request spin W, µs")
	logUs := flag.Float64("k", 200, "logger spin per record K, µs")
	capacity := flag.Int("c", 0, "log channel capacity C")
	seed := flag.Uint64("seed", 1, "seed of the arrivals")
	flag.Parse()
	rep := lab.NewReport("blocking-logger")
	rep.Params()

	offs, _ := lab.Poisson(lab.NewRng(*seed), *rate, *window, nil)
	n := len(offs)
	rep.Set("arrivals_checksum", lab.Checksum(offs))
	w, k := lab.UsToNs(*reqUs), lab.UsToNs(*logUs)
	spawned, began, sent := make([]int64, n), make([]int64, n), make([]int64, n)
	logs := make(chan entry, *capacity)
	lastLog := make(chan int64)
	go func() {
		var last int64
		for range logs {
			lab.SpinNs(k)
			last = lab.Now()
		}
		lastLog <- last
	}()
	var wg sync.WaitGroup
	wg.Add(n)
	request := func(i int) {
		began[i] = lab.Now()
		lab.SpinNs(w)
		logs <- entry{int32(i), began[i]}
		sent[i] = lab.Now()
		wg.Done()
	}

	t0 := rep.Begin()
	lab.OpenLoop(t0, offs, func(i int) {
		spawned[i] = lab.Now()
		go request(i)
	})
	wg.Wait()
	close(logs)
	end := <-lastLog
	rep.Finish()
	rep.T1 = end

	lat, lag, delay, extra := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, a := range offs {
		due := t0 + a
		lat[i] = sent[i] - due
		lag[i] = spawned[i] - due
		delay[i] = began[i] - spawned[i]
		extra[i] = sent[i] - began[i] - w
	}
	rep.Latency("request", lat)
	rep.Latency("spawn_lag", lag)
	rep.Latency("start_delay", delay)
	rep.Latency("spin_plus_send_minus_w", extra)
	rep.Set("requests", n)
	span := *window * 1e9
	rep.Set("offered_cpu_util_per_core", float64(n)*float64(w+k)/span/float64(rep.Procs()))
	rep.Set("logger_util", float64(n)*float64(k)/span)
	rep.Emit()
}
