// Command calibrate: micro-costs of the runtime primitives that a scheduler
// model takes as cost parameters, measured at the GOMAXPROCS of the
// environment. All results go into the "calib" object of the report; the
// quantities and their meaning are listed in goschedlab.validate.calibrate.
package main

import (
	"encoding/json"
	"flag"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"goschedlab/gosrc/lab"
)

var keep int64

// perCall times f and divides by n.
func perCall(n int, f func()) float64 {
	a := lab.Now()
	f()
	return float64(lab.Now()-a) / float64(n)
}

func main() {
	scale := flag.Float64("scale", 1, "multiply all trial counts by this")
	gcSlope := flag.Bool("gc-slope", false,
		"only measure the GC mark CPU and sweep slopes (gc.go: markSlope, sweepSlope) and "+
			"print their keys as JSON")
	flag.Parse()
	rep := lab.NewReport("calibrate")
	rep.Params()
	trials := func(n int) int { return max(int(float64(n)**scale), 10) }
	out := map[string]any{}
	if *gcSlope {
		markSlope(trials, out)
		sweepSlope(trials, out)
		if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
			os.Exit(1)
		}
		return
	}

	rep.Begin()

	// Cost of one clock read.
	n := trials(2_000_000)
	out["clock_read_ns"] = perCall(n, func() {
		var acc int64
		for range n {
			acc += lab.Now()
		}
		keep = acc
	})

	// How far a spin of N µs overshoots its deadline.
	over := map[string]any{}
	for _, us := range []int64{1, 10, 100, 1000, 10000} {
		m := trials(200)
		if us >= 10000 {
			m = trials(20)
		}
		xs := make([]int64, m)
		for i := range xs {
			a := lab.Now()
			lab.SpinNs(us * 1000)
			xs[i] = lab.Now() - a - us*1000
		}
		over[strconv.FormatInt(us, 10)+"us"] = lab.Summary(xs)
	}
	out["spin_overshoot_ns"] = over

	// A burst of goroutines that only call Done: create + run + exit, amortised.
	n = trials(100_000)
	var wg sync.WaitGroup
	wg.Add(n)
	out["goroutine_burst_create_run_exit_ns"] = perCall(n, func() {
		for range n {
			go wg.Done()
		}
		wg.Wait()
	})

	// The creator's cost per go statement; the new goroutines park on a
	// channel, so every one needs a fresh g and stack.
	n = trials(20_000)
	gate := make(chan struct{})
	wg.Add(n)
	perGo := perCall(n, func() {
		for range n {
			go func() { <-gate; wg.Done() }()
		}
	})
	close(gate)
	wg.Wait()
	out["go_statement_ns"] = perGo

	// go statement -> first instruction of the new goroutine, the creator
	// blocking at once on a receive.
	n = trials(20_000)
	firstRun := make([]int64, n)
	stamp := make(chan int64)
	for i := range n {
		a := lab.Now()
		go func() { stamp <- lab.Now() }()
		firstRun[i] = <-stamp - a
	}
	out["goroutine_create_to_first_run_ns"] = lab.Summary(firstRun)

	// Unbuffered channel round trips: in batches of 1000, then one at a time.
	batches, per := trials(200), 1000
	link := make(chan int)
	go func() {
		for range batches * per {
			link <- <-link
		}
	}()
	perBatch := make([]int64, batches)
	for b := range batches {
		a := lab.Now()
		for i := range per {
			link <- i
			<-link
		}
		perBatch[b] = (lab.Now() - a) / int64(per)
	}
	out["chan_unbuffered_roundtrip_ns_per_batch_of_1000"] = lab.Summary(perBatch)
	n = trials(20_000)
	go func() {
		for range n {
			link <- <-link
		}
	}()
	single := make([]int64, n)
	for i := range n {
		a := lab.Now()
		link <- i
		<-link
		single[i] = lab.Now() - a
	}
	out["chan_unbuffered_roundtrip_single_ns"] = lab.Summary(single)

	// runtime.Gosched alone, and two goroutines yielding to each other.
	n = trials(1_000_000)
	out["gosched_alone_ns"] = perCall(n, func() {
		for range n {
			runtime.Gosched()
		}
	})
	wg.Add(2)
	out["gosched_two_goroutines_ns_per_call"] = perCall(2*n, func() {
		for range 2 {
			go func() {
				for range n {
					runtime.Gosched()
				}
				wg.Done()
			}()
		}
		wg.Wait()
	})

	// Actual length of time.Sleep(d) in an otherwise idle process.
	naps := map[string]any{}
	for _, d := range []time.Duration{0, time.Microsecond, 10 * time.Microsecond,
		50 * time.Microsecond, 100 * time.Microsecond, 200 * time.Microsecond,
		500 * time.Microsecond, time.Millisecond} {
		xs := make([]int64, trials(200))
		for i := range xs {
			a := lab.Now()
			time.Sleep(d)
			xs[i] = lab.Now() - a
		}
		naps[d.String()] = lab.Summary(xs)
	}
	out["sleep_actual_ns"] = naps

	// getpid without (RawSyscall) and with (Syscall) the runtime's
	// entersyscall/exitsyscall, and a 1 ns nanosleep.
	n = trials(1_000_000)
	out["rawsyscall_getpid_ns"] = perCall(n, func() {
		for range n {
			syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
		}
	})
	out["syscall_getpid_ns"] = perCall(n, func() {
		for range n {
			syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0)
		}
	})
	tiny := syscall.NsecToTimespec(1)
	nano := make([]int64, trials(2000))
	for i := range nano {
		a := lab.Now()
		_ = syscall.Nanosleep(&tiny, nil)
		nano[i] = lab.Now() - a
	}
	out["syscall_nanosleep_1ns_actual_ns"] = lab.Summary(nano)

	// Waking an idle P: a spinning goroutine readies a blocked receiver and
	// keeps spinning 1 ms, so the receiver can only run early on the other P
	// (whose M has parked during the 500 µs gap before each trial).
	if runtime.GOMAXPROCS(0) >= 2 {
		m := trials(1000)
		out["idle_p_wakeup_ns"] = lab.Summary(wakeups(make(chan int64), m))
		out["idle_p_wakeup_buffered_ns"] = lab.Summary(wakeups(make(chan int64, 1), m))
	} else {
		out["idle_p_wakeup_ns"] = nil
		out["idle_p_wakeup_note"] = "needs GOMAXPROCS>=2"
	}

	// Waking an M that parked a moment ago (tens of µs: on a machine with guest
	// halt polling its vCPU still polls).  spin_hop_ns: two goroutines pass a
	// token over an unbuffered channel and spin 20 µs after each receive
	// (pingpong spin); each send readies the partner into the sender's runnext and
	// wakep wakes the other P's M, parked since the previous hop, before the sender
	// parks and its P runs the partner.  Latency: just before the send -> the
	// receiver's first instruction after it.  recent_wake_steal_ns: a spinning
	// goroutine starts f1 then f2 (f1 goes to the run queue, f2 to runnext) and
	// keeps spinning 50 µs; the other P's M, parked < 200 µs before, is woken by
	// the first go statement and steals f1.  Latency: just before the go -> f1's
	// first instruction.
	if runtime.GOMAXPROCS(0) >= 2 {
		out["spin_hop_ns"] = lab.Summary(spinHops(trials(4000)))
		out["recent_wake_steal_ns"] = lab.Summary(recentSteals(trials(2000)))
	} else {
		out["spin_hop_ns"] = nil
		out["recent_wake_steal_ns"] = nil
		out["recent_wake_note"] = "needs GOMAXPROCS>=2"
	}

	// One cache line passed between two running goroutines on the two Ps: each
	// spins until a shared atomic counter has its parity, then increments it, so
	// every hop moves the line to the other core.  Per hop: a batch of 1000 hops
	// timed and divided.  The fastest batches are the ones where the two threads
	// ran on different vCPUs at the same time (a shared vCPU turns a hop into a
	// time slice); the fit takes the minimum.
	if runtime.GOMAXPROCS(0) >= 2 {
		out["cacheline_pingpong_ns"] = lab.Summary(linePingPong(trials(200)))
	} else {
		out["cacheline_pingpong_ns"] = nil
		out["cacheline_pingpong_note"] = "needs GOMAXPROCS>=2"
	}

	// A blocking syscall's P handed to a parked M: one goroutine sleeps 3 ms in
	// nanosleep (entersyscall leaves its P in _Psyscall) while another waits in the
	// run queue; sysmon retakes the P (handoffp -> startm wakes an idle M), which runs
	// the waiting goroutine.  Latency: syscall start -> that goroutine's first
	// instruction.  One P, so nothing else can run it.
	if runtime.GOMAXPROCS(0) == 1 {
		out["syscall_handoff_ns"] = lab.Summary(handoffs(trials(200)))
	} else {
		out["syscall_handoff_ns"] = nil
		out["syscall_handoff_note"] = "needs GOMAXPROCS=1"
	}

	// go f(); time.Sleep(200 µs): f stays runnable (runnext) until its creator has
	// gone through time.Sleep's own path (timer set-up, the timer heap, the netpoller
	// wake-up) and parked.  Latency: just before the go statement -> f's first
	// instruction.  The same with the creator blocking on a channel receive instead is
	// the plain-park reference.  One P, so nothing else can run f earlier.
	if runtime.GOMAXPROCS(0) == 1 {
		slept, parked := sleepSpawns(trials(4000))
		out["sleep_spawn_ns"] = lab.Summary(slept)
		out["sleep_spawn_park_ns"] = lab.Summary(parked)
	} else {
		out["sleep_spawn_ns"] = nil
		out["sleep_spawn_park_ns"] = nil
		out["sleep_spawn_note"] = "needs GOMAXPROCS=1"
	}

	// A go statement that reuses a dead G last touched d go statements or exits
	// ago (mechanism 430): d goroutines park and exit, then d go statements take
	// their Gs back from the free lists (LIFO, so every one is about d others
	// old) and park; per go statement, the median of 7 rounds, at d = 64, 2000
	// and 20000.  Far apart, the g's and its stack's lines have left the cache.
	if runtime.GOMAXPROCS(0) == 1 {
		reuse := map[string]any{}
		for _, d := range []int{64, 2000, 20000} {
			reuse[strconv.Itoa(d)] = lab.Summary(goReuse(max(1, trials(d)), 7))
		}
		out["go_reuse_ns"] = reuse
	} else {
		out["go_reuse_ns"] = nil
		out["go_reuse_note"] = "needs GOMAXPROCS=1"
	}

	// Garbage collector costs (gc.go); last, so the measurements above are unchanged.
	gcCosts(trials, out)
	rep.Finish()
	// The mark CPU and sweep slopes, in a fresh process after the measured phase (gc.go: markSlope).
	gcSlopeChild(*scale, out)
	rep.Set("calib", out)
	rep.Emit()
}

// goReuse returns, for each of rounds rounds, the mean cost of d go statements
// that reuse the Gs of d goroutines which parked and exited just before.
func goReuse(d, rounds int) []int64 {
	per := make([]int64, rounds)
	for r := range per {
		var wg sync.WaitGroup
		gate := make(chan struct{})
		wg.Add(d)
		for range d {
			go func() { <-gate; wg.Done() }()
		}
		close(gate)
		wg.Wait()
		gate = make(chan struct{})
		wg.Add(d)
		a := lab.Now()
		for range d {
			go func() { <-gate; wg.Done() }()
		}
		per[r] = (lab.Now() - a) / int64(d)
		close(gate)
		wg.Wait()
	}
	return per
}

// wakeups runs m idle-P wake-up trials over ch and returns the latencies.
func wakeups(ch chan int64, m int) []int64 {
	lat := make([]int64, m)
	recvDone := make(chan struct{})
	go func() {
		for i := range m {
			ts := <-ch
			lat[i] = lab.Now() - ts
		}
		close(recvDone)
	}()
	sendDone := make(chan struct{})
	go func() {
		for range m {
			lab.SpinNs(500_000)
			ch <- lab.Now()
			lab.SpinNs(1_000_000)
		}
		close(sendDone)
	}()
	<-sendDone
	<-recvDone
	return lat
}

// linePingPong times m batches of 1000 one-way hops of a cache line between two
// spinning goroutines and returns ns per hop for each batch (fewer batches if the
// whole measurement would take over a second).
func linePingPong(m int) []int64 {
	const hops = 1000
	var line, stop atomic.Int64
	total := int64(m * hops)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := int64(1); v < total; v += 2 {
			for line.Load() != v {
				if stop.Load() != 0 {
					return
				}
			}
			line.Store(v + 1)
		}
	}()
	lat := make([]int64, 0, m)
	deadline := lab.Now() + int64(time.Second)
	v := int64(0)
	for len(lat) < m {
		t := lab.Now()
		for k := 0; k < hops/2; k++ {
			for line.Load() != v {
			}
			line.Store(v + 1)
			v += 2
		}
		end := lab.Now()
		lat = append(lat, (end-t)/hops)
		if end > deadline {
			break
		}
	}
	stop.Store(1)
	<-done
	return lat
}

// handoffs runs m syscall hand-off trials (GOMAXPROCS=1) and returns the latencies.
func handoffs(m int) []int64 {
	lat := make([]int64, m)
	req := syscall.NsecToTimespec(3_000_000)
	for i := range lat {
		var start int64
		got := make(chan int64, 1)
		done := make(chan struct{})
		go func() { got <- lab.Now() }() // queued behind the sleeper
		go func() {
			start = lab.Now()
			_ = syscall.Nanosleep(&req, nil)
			close(done)
		}()
		runtime.Gosched() // the sleeper (runnext) runs first and enters its syscall
		t := <-got
		<-done
		lat[i] = t - start
		time.Sleep(2 * time.Millisecond) // every P idle again: sysmon back in its deep sleep
	}
	return lat
}

// sleepSpawns runs m trials of "go f(); time.Sleep(200µs)" and m of "go f(); <-ch",
// interleaved, and returns the creation -> first-run latencies of each (GOMAXPROCS=1).
func sleepSpawns(m int) (slept, parked []int64) {
	slept, parked = make([]int64, m), make([]int64, m)
	got := make(chan int64, 1)
	for i := range m {
		a := lab.Now()
		go func() { got <- lab.Now() }()
		time.Sleep(200 * time.Microsecond)
		slept[i] = <-got - a
		a = lab.Now()
		go func() { got <- lab.Now() }()
		parked[i] = <-got - a
		time.Sleep(200 * time.Microsecond) // both kinds of trial start just after a wake-up
	}
	return slept, parked
}

// spinHops passes a token m times between two goroutines that spin 20 µs after
// each receive and returns the send -> receive-return latencies.
func spinHops(m int) []int64 {
	lat := make([]int64, m)
	c := make(chan int64)
	done := make(chan struct{})
	go func() { // echo
		for i := 1; i < m; i += 2 {
			t := <-c
			lat[i-1] = lab.Now() - t
			lab.SpinNs(20_000)
			c <- lab.Now()
		}
		close(done)
	}()
	for i := 1; i < m; i += 2 {
		c <- lab.Now()
		t := <-c
		lat[i] = lab.Now() - t
		lab.SpinNs(20_000)
	}
	<-done
	return lat
}

// recentSteals runs m trials of "go f1(); go f2(); spin 50 µs" with the other P's
// M parked a moment before, and returns the go -> f1 first-run latencies.
func recentSteals(m int) []int64 {
	lat := make([]int64, m)
	var wg sync.WaitGroup
	lab.SpinNs(100_000)
	for i := range lat {
		wg.Add(2)
		a := lab.Now()
		go func() { lat[i] = lab.Now() - a; wg.Done() }()
		go func() { wg.Done() }()
		lab.SpinNs(50_000)
		wg.Wait()
		lab.SpinNs(50_000) // the thief finds nothing more and parks
	}
	return lat
}
