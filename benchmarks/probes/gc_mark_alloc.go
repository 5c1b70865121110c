// gc_mark_alloc: how much slower gc-churn's allocation is while the GC marks
// (docs/validation.md mechanism 120).  A 16 MiB live list of 64-byte nodes,
// GOGC=100, one goroutine building 64 KiB (or 8 KiB: arg "8k") lists of pointer
// nodes (or pointer-free ones: second arg "noptr"); each iteration is classified
// by runtime.gcphase at its start and end (0: outside the mark, 1: in the mark).
//
//	GOMAXPROCS=1 go run -ldflags=-checklinkname=0 gc_mark_alloc.go 64k ptr
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"
	_ "unsafe"
)

//go:linkname gcphase runtime.gcphase
var gcphase uint32

type node struct {
	next *node
	a    [7]uint64
}

type nnode struct {
	next uintptr
	a    [7]uint64
}

var live *node
var sink *node
var sinkN *nnode

func main() {
	per := 1024
	if os.Args[1] == "8k" {
		per = 128
	}
	noptr := len(os.Args) > 2 && os.Args[2] == "noptr"
	for i := 0; i < 16<<20/64; i++ {
		live = &node{next: live}
	}
	runtime.GC()
	var off, mark, mixed []time.Duration
	for i := 0; i < 20000; i++ {
		p0 := gcphase
		t := time.Now()
		if noptr {
			var head *nnode
			for j := 0; j < per; j++ {
				n := &nnode{}
				n.a[0] = uint64(j)
				head = n
			}
			sinkN = head
		} else {
			var head *node
			for j := 0; j < per; j++ {
				head = &node{next: head}
			}
			sink = head
		}
		d := time.Since(t)
		p1 := gcphase
		if p0 == 0 && p1 == 0 {
			off = append(off, d)
		} else if p0 == 1 && p1 == 1 {
			mark = append(mark, d)
		} else {
			mixed = append(mixed, d)
		}
	}
	q := func(d []time.Duration) string {
		if len(d) == 0 {
			return "none"
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		var s time.Duration
		for _, x := range d {
			s += x
		}
		return fmt.Sprintf("n=%d p10=%v p50=%v p90=%v mean=%v", len(d), d[len(d)/10], d[len(d)/2], d[len(d)*9/10], s/time.Duration(len(d)))
	}
	fmt.Printf("%s noptr=%v\n  off:  %s\n  mark: %s\n  mixed: %d\n", os.Args[1], noptr, q(off), q(mark), len(mixed))
	runtime.KeepAlive(live)
}
