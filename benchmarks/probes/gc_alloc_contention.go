// gc_alloc_contention: does a second allocating P slow gc-churn's allocation
// (docs/validation.md mechanism 300)?  A 16 MiB live list of 64-byte pointer
// nodes, GOGC=100 (as gc-churn), goroutine A builds -bytes lists of pointer
// nodes (gc-churn's iteration with w=0) for -iters iterations, each classified
// by runtime.gcphase at its start and end (off: outside the mark, mark: inside).
// Goroutine B runs meanwhile on the other P (GOMAXPROCS=2) until A is done:
//
//	none   nothing (B does not exist)
//	alloc  the same allocation loop (both measured)
//	spin   a register-only loop (no memory traffic: the vCPU / host share)
//	mem    reads a 64 MiB mmap'ed array (memory bandwidth, outside the Go heap)
//
// It prints the iteration quantiles per phase and the runtime/metrics deltas:
// GC CPU classes, cycles and /sync/mutex/wait/total (Go 1.22+: runtime-internal
// lock waits such as mheap_.lock included).
//
//	go build -ldflags=-checklinkname=0 -o /tmp/gcac gc_alloc_contention.go
//	GOMAXPROCS=2 /tmp/gcac -mode alloc -bytes 65536 -iters 20000
package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
	_ "unsafe"
)

//go:linkname gcphase runtime.gcphase
var gcphase uint32

type cell struct {
	next *cell
	pad  [7]uint64
}

var (
	retained *cell
	slots    [2]*cell
	stop     atomic.Int32
	sinkU    uint64
)

type res struct{ off, mark, mixed []time.Duration }

func allocLoop(k, per, iters int, out *res) {
	for i := 0; iters < 0 || i < iters; i++ {
		if iters < 0 && stop.Load() != 0 {
			return
		}
		p0 := gcphase
		t := time.Now()
		var list *cell
		for range per {
			list = &cell{next: list}
		}
		slots[k] = list
		d := time.Since(t)
		p1 := gcphase
		if out == nil {
			continue
		}
		switch {
		case p0 == 0 && p1 == 0:
			out.off = append(out.off, d)
		case p0 == 1 && p1 == 1:
			out.mark = append(out.mark, d)
		default:
			out.mixed = append(out.mixed, d)
		}
	}
}

func q(d []time.Duration) string {
	if len(d) == 0 {
		return "none"
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	var s time.Duration
	for _, x := range d {
		s += x
	}
	return fmt.Sprintf("n=%d p10=%.2f p50=%.2f p90=%.2f mean=%.2f us", len(d),
		us(d[len(d)/10]), us(d[len(d)/2]), us(d[len(d)*9/10]), us(s/time.Duration(len(d))))
}

func us(d time.Duration) float64 { return float64(d) / 1e3 }

var names = []string{
	"/cpu/classes/gc/mark/assist:cpu-seconds",
	"/cpu/classes/gc/mark/dedicated:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/gc/pause:cpu-seconds",
	"/cpu/classes/user:cpu-seconds",
	"/cpu/classes/idle:cpu-seconds",
	"/sync/mutex/wait/total:seconds",
	"/gc/cycles/total:gc-cycles",
}

func read() []float64 {
	s := make([]metrics.Sample, len(names))
	for i, n := range names {
		s[i].Name = n
	}
	metrics.Read(s)
	v := make([]float64, len(s))
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			v[i] = float64(s[i].Value.Uint64())
		} else {
			v[i] = s[i].Value.Float64()
		}
	}
	return v
}

func main() {
	mode := flag.String("mode", "none", "none | alloc | spin | mem")
	nbytes := flag.Int("bytes", 65536, "bytes per iteration (64-byte nodes)")
	iters := flag.Int("iters", 20000, "iterations of goroutine A")
	flag.Parse()
	debug.SetGCPercent(100)
	for range 16 << 20 / 64 {
		retained = &cell{next: retained}
	}
	var arr []uint64
	if *mode == "mem" {
		b, err := syscall.Mmap(-1, 0, 64<<20, syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			panic(err)
		}
		arr = unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), len(b)/8)
		for i := range arr {
			arr[i] = uint64(i)
		}
	}
	per := *nbytes / 64
	runtime.GC()
	var ra, rb res
	var wg sync.WaitGroup
	m0 := read()
	t0 := time.Now()
	wg.Add(1)
	go func() {
		allocLoop(0, per, *iters, &ra)
		stop.Store(1)
		wg.Done()
	}()
	if *mode != "none" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch *mode {
			case "alloc":
				allocLoop(1, per, -1, &rb)
			case "spin":
				x := uint64(1)
				for stop.Load() == 0 {
					for i := 0; i < 1000; i++ {
						x = x*6364136223846793005 + 1442695040888963407
					}
				}
				sinkU = x
			case "mem":
				var s uint64
				for stop.Load() == 0 {
					for i := 0; i < len(arr); i += 8 {
						s += arr[i]
						if i&0xffff == 0 && stop.Load() != 0 {
							break
						}
					}
				}
				sinkU = s
			}
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	m1 := read()
	fmt.Printf("mode=%s bytes=%d GOMAXPROCS=%d elapsed=%.1f ms\n", *mode, *nbytes, runtime.GOMAXPROCS(0), float64(el)/1e6)
	fmt.Printf("  A off:  %s\n  A mark: %s\n  A mixed: %d\n", q(ra.off), q(ra.mark), len(ra.mixed))
	if *mode == "alloc" {
		fmt.Printf("  B off:  %s\n  B mark: %s\n", q(rb.off), q(rb.mark))
	}
	for i, n := range names {
		d := m1[i] - m0[i]
		if n[len(n)-7:] == "seconds" {
			fmt.Printf("  %s %.2f ms\n", n, d*1e3)
		} else {
			fmt.Printf("  %s %.0f\n", n, d)
		}
	}
}
