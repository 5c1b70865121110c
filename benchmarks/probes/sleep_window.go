// Probe (docs/validation.md mechanism 290): where the go-then-time.Sleep path's sampled
// /sched/latencies window lies.  Build and run with Go 1.23.1, under the CPU lock:
//
//	go build -o /tmp/sleep_window benchmarks/probes/sleep_window.go
//	GOMAXPROCS=1 /tmp/sleep_window -mode spawn|sleep|park|parkwarm [-d US] [-n N] [-work NS]
//
// spawn: a=now(); go f(); time.Sleep(d), f stamps now() (total = f's stamp - a).  sleep: the
// Sleep alone (the main goroutine's own wake-up samples, to subtract from spawn's histogram).
// park: calibrate's plain-park reference (f's send ends main's receive, then the Sleep).
// parkwarm: park without the Sleep.  Prints the totals' p25/p50/p75 and the histogram's
// per-bucket counts (lower bound in ns) added during the trials.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/trace"
	"sort"
	"time"
)

var base = time.Now()

func now() int64 { return int64(time.Since(base)) }

func spin(d int64) {
	t := now() + d
	for now() < t {
	}
}

func hist() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64Histogram()
}

func pct(v []int64, q float64) int64 {
	w := append([]int64(nil), v...)
	sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
	return w[int(q*float64(len(w)-1))]
}

func main() {
	mode := flag.String("mode", "spawn", "spawn | sleep | park")
	n := flag.Int("n", 4000, "trials")
	d := flag.Int("d", 200, "sleep us")
	work := flag.Int64("work", 0, "ns the new goroutine spins")
	tr := flag.String("trace", "", "runtime/trace output file")
	flag.Parse()
	got := make(chan int64, 1)
	tot := make([]int64, 0, *n)
	sl := time.Duration(*d) * time.Microsecond
	for range 200 { // warm-up
		go func() { got <- now() }()
		time.Sleep(sl)
		<-got
	}
	if *tr != "" {
		f, _ := os.Create(*tr)
		trace.Start(f)
		defer f.Close()
	}
	h0 := hist()
	for range *n {
		a := now()
		switch *mode {
		case "spawn":
			go func() { got <- now(); spin(*work) }()
			time.Sleep(sl)
			tot = append(tot, <-got-a)
		case "park":
			go func() { got <- now(); spin(*work) }()
			tot = append(tot, <-got-a)
			time.Sleep(sl)
		case "parkwarm":
			go func() { got <- now(); spin(*work) }()
			tot = append(tot, <-got-a)
		case "sleep":
			time.Sleep(sl)
			spin(*work)
		}
	}
	h1 := hist()
	if *tr != "" {
		trace.Stop()
	}
	if len(tot) > 0 {
		fmt.Printf("total p25 %d p50 %d p75 %d\n", pct(tot, .25), pct(tot, .5), pct(tot, .75))
	}
	fmt.Printf("hist")
	for i, c := range h1.Counts {
		if dc := c - h0.Counts[i]; dc > 0 {
			fmt.Printf(" %.0f:%d", h1.Buckets[i]*1e9, dc)
		}
	}
	fmt.Println()
}
