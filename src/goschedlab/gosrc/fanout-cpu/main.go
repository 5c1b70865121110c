// Command fanout-cpu: the main goroutine issues G go statements back to back;
// goroutine i spins W µs of elapsed time; main waits for all of them.
// Phase: T0 before the first go statement, T1 when the WaitGroup is done.
package main

import (
	"flag"
	"sync"

	"goschedlab/gosrc/lab"
)

func main() {
	nG := flag.Int("g", 1000, "goroutines to start")
	spinUs := flag.Float64("w", 200, "spin of each goroutine, µs")
	flag.Parse()
	rep := lab.NewReport("fanout-cpu")
	rep.Params()

	n, w := *nG, lab.UsToNs(*spinUs)
	created := make([]int64, n) // just before the go statement
	began := make([]int64, n)   // first action of the goroutine
	ended := make([]int64, n)   // right after its spin
	var wg sync.WaitGroup
	wg.Add(n)
	body := func(i int) {
		began[i] = lab.Now()
		lab.SpinNs(w)
		ended[i] = lab.Now()
		wg.Done()
	}

	t0 := rep.Begin()
	for i := range n {
		created[i] = lab.Now()
		go body(i)
	}
	wg.Wait()
	rep.Finish()

	delay, soj, fin, el := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	var latest int64
	for i := range n {
		delay[i] = began[i] - created[i]
		soj[i] = ended[i] - created[i]
		fin[i] = ended[i] - t0
		el[i] = ended[i] - began[i]
		latest = max(latest, began[i]-t0)
	}
	rep.Latency("start_delay", delay)
	rep.Latency("sojourn", soj)
	rep.Latency("finish_since_t0", fin)
	rep.Latency("spin_elapsed", el)
	rep.Set("create_phase_ns", created[n-1]-t0)
	rep.Set("last_start_since_t0_ns", latest)
	rep.Set("ideal_makespan_ns", float64(n)*float64(w)/float64(min(n, rep.Procs())))
	rep.Emit()
}
