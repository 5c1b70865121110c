// Command tracegen writes small Go execution traces that exercise one scheduler
// behaviour each, for goschedlab's trace-reader tests:
//
//	tracegen -mode MODE -o FILE [-n N]
//
// Modes: blocking (channels, mutex, sleep, select), syscalls (blocking system
// calls long enough for the P to be retaken), gc (allocation-heavy, forced GC
// cycles with stop-the-world pauses), manyp (more goroutines than Ps, CPU-bound,
// preemption and stealing), generations (several trace generations: run it
// with GODEBUG=traceadvanceperiod=...), cpuprof (CPU-profile samples inside
// the trace), coro (iter.Pull coroutines, Go >= 1.23 only), big (a long
// ping-pong + fan-out run whose size grows with -n, for benchmarks).
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

var sink []byte

func blocking(n int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	ch := make(chan int)
	done := make(chan struct{})
	counter := 0
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range ch {
				mu.Lock()
				counter += v
				mu.Unlock()
				time.Sleep(200 * time.Microsecond)
			}
		}()
	}
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
			case <-done:
				return
			}
		}
	}()
	for i := 0; i < n; i++ {
		ch <- i
	}
	close(ch)
	wg.Wait()
	close(done)
	_ = counter
}

func syscalls(n int) {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < n/10+1; j++ {
				ts := syscall.Timespec{Nsec: int64(3 * time.Millisecond)}
				_ = syscall.Nanosleep(&ts, nil)
				_ = syscall.Getpid()
			}
		}()
	}
	wg.Wait()
}

func gcwork(n int) {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var keep [][]byte
			for j := 0; j < n*50; j++ {
				b := make([]byte, 4096)
				if j%16 == 0 {
					keep = append(keep, b)
				}
				if len(keep) > 256 {
					keep = keep[:0]
				}
			}
			sink = keep[len(keep)-1]
		}()
	}
	runtime.GC()
	wg.Wait()
	runtime.GC()
}

func spin(d time.Duration) int {
	end := time.Now().Add(d)
	x := 0
	for time.Now().Before(end) {
		x++
	}
	return x
}

func manyp(n int) {
	var wg sync.WaitGroup
	for i := 0; i < 4*runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			spin(time.Duration(n/10+1) * time.Millisecond)
			if i%3 == 0 {
				runtime.Gosched()
			}
		}(i)
	}
	wg.Wait()
}

func generations(n int) {
	for i := 0; i < n/10+3; i++ {
		blocking(10)
		time.Sleep(60 * time.Millisecond)
	}
}

func cpuprof(n int) {
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		log.Fatal(err)
	}
	manyp(n * 3)
	syscalls(n)
	pprof.StopCPUProfile()
}

func big(n int) {
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, b := make(chan int), make(chan int)
			go func() {
				for v := range a {
					b <- v + 1
				}
				close(b)
			}()
			for i := 0; i < n; i++ {
				a <- i
				<-b
				if i%1000 == 0 {
					runtime.Gosched()
				}
			}
			close(a)
		}()
	}
	wg.Wait()
}

func main() {
	mode := flag.String("mode", "blocking", "which behaviour to trace")
	out := flag.String("o", "trace.out", "trace file to write")
	n := flag.Int("n", 100, "size of the run")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := trace.Start(f); err != nil {
		log.Fatal(err)
	}
	ctx, task := trace.NewTask(context.Background(), "tracegen-"+*mode)
	trace.WithRegion(ctx, *mode, func() {
		switch *mode {
		case "blocking":
			blocking(*n)
		case "syscalls":
			syscalls(*n)
		case "gc":
			gcwork(*n)
		case "manyp":
			manyp(*n)
		case "generations":
			generations(*n)
		case "cpuprof":
			cpuprof(*n)
		case "coro":
			coro(*n)
		case "big":
			big(*n)
		default:
			log.Fatalf("unknown mode %q", *mode)
		}
	})
	trace.Log(ctx, "mode", *mode)
	task.End()
	trace.Stop()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
