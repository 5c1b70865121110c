package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"goschedlab/gosrc/lab"
)

// node is 64 bytes, a pointer and 56 bytes of payload, as gc-churn's list cells.
type node struct {
	next *node
	pad  [7]uint64
}

var (
	liveList   *node
	liveBlocks [][]byte
)

// buildList allocates n linked nodes and returns the head.
func buildList(n int) *node {
	var l *node
	for range n {
		l = &node{next: l}
	}
	return l
}

// markCPU is the GC mark CPU so far (assist + dedicated + fractional + idle workers), ns.
func markCPU() float64 {
	s := []metrics.Sample{
		{Name: "/cpu/classes/gc/mark/assist:cpu-seconds"},
		{Name: "/cpu/classes/gc/mark/dedicated:cpu-seconds"},
		{Name: "/cpu/classes/gc/mark/idle:cpu-seconds"},
	}
	metrics.Read(s)
	t := 0.0
	for _, x := range s {
		if x.Value.Kind() == metrics.KindFloat64 {
			t += x.Value.Float64()
		}
	}
	return t * 1e9
}

// scavengeCPU is the CPU the scavenger has spent returning memory to the OS so far, ns.
func scavengeCPU() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/scavenge/total:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return s[0].Value.Float64() * 1e9
}

// pauseHist reads the stop-the-world pause histogram of GC (total: stopping + work).
func pauseHist() *metrics.Float64Histogram {
	for _, name := range []string{"/sched/pauses/total/gc:seconds", "/gc/pauses:seconds"} {
		s := []metrics.Sample{{Name: name}}
		metrics.Read(s)
		if s[0].Value.Kind() == metrics.KindFloat64Histogram {
			return s[0].Value.Float64Histogram()
		}
	}
	return nil
}

// pauseSamples expands the bucket-count delta of two pause histograms into one value per
// pause (the bucket's midpoint, ns), ascending.
func pauseSamples(a, b *metrics.Float64Histogram) []float64 {
	var xs []float64
	if a == nil || b == nil {
		return xs
	}
	for i := range b.Counts {
		lo, hi := b.Buckets[i], b.Buckets[i+1]
		if math.IsInf(lo, -1) {
			lo = 0
		}
		if math.IsInf(hi, 1) {
			hi = lo
		}
		for range b.Counts[i] - a.Counts[i] {
			xs = append(xs, (lo+hi)/2*1e9)
		}
	}
	sort.Float64s(xs)
	return xs
}

func medianF(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// gcCosts measures allocation, first touch, mark, sweep and stop-the-world costs of the
// garbage collector (see goschedlab.validate.calibrate for the keys and how they are fitted).
func gcCosts(trials func(int) int, out map[string]any) {
	const listBytes = 16 << 20
	nodes := listBytes / 64
	kib := float64(listBytes) / 1024
	reps := min(trials(5), 9)
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	runtime.GC()

	// First touch: with GC off nothing is reused, so the list grows into never-used pages.
	a := lab.Now()
	liveList = buildList(2 * nodes)
	fresh := float64(lab.Now()-a) / (2 * kib)
	liveList = nil
	runtime.GC() // frees it; its pages stay resident (no scavenging without a heap goal)

	// Allocation into already-touched memory, GC off.
	warm := make([]float64, reps)
	for i := range warm {
		a = lab.Now()
		liveList = buildList(nodes)
		warm[i] = float64(lab.Now()-a) / kib
		liveList = nil
		runtime.GC()
	}
	out["gc_alloc_list_ns_per_kib"] = medianF(warm)
	// Earlier measurements freed many goroutine stacks into the heap, so this list mostly
	// reuses touched pages: informational only.
	out["gc_alloc_fresh_list_ns_per_kib"] = fresh

	// First touch of never-used memory, isolated: write one byte per 4 KiB page of a new
	// anonymous mapping (the page faults the heap pays when it grows).
	touch := make([]float64, reps)
	for i := range touch {
		mem, err := syscall.Mmap(-1, 0, 2*listBytes, syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			touch = nil
			break
		}
		a = lab.Now()
		for off := 0; off < len(mem); off += 4096 {
			mem[off] = 1
		}
		touch[i] = float64(lab.Now()-a) / (2 * kib)
		_ = syscall.Munmap(mem)
	}
	if touch != nil {
		out["first_touch_ns_per_kib"] = medianF(touch)
	}

	// Forced GC with a live list of listBytes vs with an empty heap: wall time and mark CPU.
	gcOnce := func() (wall, mark float64) {
		m := markCPU()
		a := lab.Now()
		runtime.GC()
		return float64(lab.Now() - a), markCPU() - m
	}
	var liveWall, liveMark, emptyWall, emptyMark []float64
	liveList = buildList(nodes)
	runtime.GC()
	hl := pauseHist()
	for range reps {
		w, m := gcOnce()
		liveWall, liveMark = append(liveWall, w), append(liveMark, m)
	}
	if xs := pauseSamples(hl, pauseHist()); len(xs) >= 2 {
		out["gc_pause_live_short_ns"] = medianF(xs[:len(xs)/2])
		out["gc_pause_live_long_ns"] = medianF(xs[len(xs)/2:])
	}
	// The same cycles, each after spinning coldSpinNs without touching memory: the
	// stop-the-world work grows with the time since the previous cycle (its data goes cold).
	const coldSpinNs = 100_000_000
	hc := pauseHist()
	var coldGap []float64
	last := lab.Now()
	for range min(trials(15), 20) {
		a := lab.Now()
		for lab.Now()-a < coldSpinNs {
		}
		start := lab.Now() // this cycle's sweep termination follows at once
		coldGap = append(coldGap, float64(start-last))
		last = start
		runtime.GC()
	}
	if xs := pauseSamples(hc, pauseHist()); len(xs) >= 2 {
		long := xs[len(xs)/2:]
		out["gc_pause_cold_long_ns"] = medianF(long)
		out["gc_pause_cold_long_p75_ns"] = long[len(long)*3/4]
		out["gc_pause_cold_interval_ns"] = medianF(coldGap)
	}
	liveList = nil
	runtime.GC()
	for range reps {
		w, m := gcOnce()
		emptyWall, emptyMark = append(emptyWall, w), append(emptyMark, m)
	}
	out["gc_live_list_kib"] = kib
	out["gc_forced_live_wall_ns"] = medianF(liveWall)
	out["gc_forced_live_mark_cpu_ns"] = medianF(liveMark)
	out["gc_forced_empty_wall_ns"] = medianF(emptyWall)
	out["gc_forced_empty_mark_cpu_ns"] = medianF(emptyMark)

	// Sweep isolated: a live set of 8 KiB noscan blocks, one per span, is cheap to mark
	// (no pointers inside) but every span must be swept by runtime.GC() before it returns.
	const spans = 8192
	var sweepWall, sweepMark []float64
	blocks := make([][]byte, spans)
	for i := range blocks {
		blocks[i] = make([]byte, 8192)
	}
	liveBlocks = blocks
	runtime.GC()
	for range reps {
		w, m := gcOnce()
		sweepWall, sweepMark = append(sweepWall, w), append(sweepMark, m)
	}
	liveBlocks = nil
	blocks = nil
	runtime.GC()
	out["gc_sweep_spans"] = spans
	out["gc_forced_spans_wall_ns"] = medianF(sweepWall)
	out["gc_forced_spans_mark_cpu_ns"] = medianF(sweepMark)

	// Stop-the-world pauses of N forced cycles on an empty heap: two per cycle (sweep
	// termination, mark termination); the longer half vs the shorter half.
	n := min(trials(40), 200)
	h0 := pauseHist()
	for range n {
		runtime.GC()
	}
	xs := pauseSamples(h0, pauseHist())
	out["gc_pause_count"] = len(xs)
	if len(xs) >= 2 {
		out["gc_pause_short_ns"] = medianF(xs[:len(xs)/2])
		out["gc_pause_long_ns"] = medianF(xs[len(xs)/2:])
	}
}

// markSlope measures the mark CPU as a slope over the live-heap size: rounds of forced
// cycles with live lists of 0, 8 and 16 MiB, the sizes interleaved (rotated each round) so
// that every size sees the same host state; per round the least-squares line of mark CPU
// against KiB, median over the rounds.  It runs in a fresh process (gcSlopeChild): in the
// calibrate process the tens of thousands of dead goroutines the measurements above leave in
// allgs add 2-8 ms of root marking to every cycle and make the slope noisier.
func markSlope(trials func(int) int, out map[string]any) {
	const listBytes = 16 << 20
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	gcOnce := func() float64 {
		m := markCPU()
		runtime.GC()
		return markCPU() - m
	}
	liveList = buildList(listBytes / 64) // warm-up: the heap's pages touched once
	runtime.GC()
	sizes := []int{0, listBytes / 2, listBytes}
	rounds := min(trials(9), 15)
	kib := make([]float64, len(sizes))
	for i, b := range sizes {
		kib[i] = float64(b) / 1024
	}
	med, slope, icpt := slopeRounds(rounds, kib, func(i int) float64 {
		liveList = buildList(sizes[i] / 64)
		runtime.GC() // frees the previous list
		return gcOnce()
	})
	liveList = nil
	runtime.GC()
	putSlope(out, [...]string{"gc_mark_empty_cpu_ns", "gc_mark_half_cpu_ns", "gc_mark_full_cpu_ns"},
		"gc_mark_slope_ns_per_kib", "gc_mark_intercept_ns", "gc_mark_slope_rounds",
		med, slope, icpt, rounds)
}

// gcSlopeChild runs markSlope in a fresh copy of this program (same GOMAXPROCS and scale)
// and merges its keys into out; on a failure the keys stay absent and gc_mark_slope_error
// says why, so the fit can name the fallback it takes.
func gcSlopeChild(scale float64, out map[string]any) {
	fail := func(what string, err error) { out["gc_mark_slope_error"] = what + ": " + err.Error() }
	exe, err := os.Executable()
	if err != nil {
		fail("os.Executable", err)
		return
	}
	b, err := exec.Command(exe, "-scale", strconv.FormatFloat(scale, 'g', -1, 64),
		"-gc-slope").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			tail := strings.TrimSpace(string(ee.Stderr))
			if i := strings.LastIndexByte(tail, '\n'); i >= 0 {
				tail = tail[i+1:]
			}
			err = fmt.Errorf("%v (%s)", err, tail)
		}
		fail("the -gc-slope child", err)
		return
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		fail("the -gc-slope child's JSON", err)
		return
	}
	for k, v := range got {
		out[k] = v
	}
}

// sweepSlope measures runtime.GC()'s sweep as a slope over the number of in-use spans:
// rounds of forced cycles with 0, 4096 and 8192 live 8 KiB noscan blocks (one span each,
// nothing inside to mark), the sizes interleaved as in markSlope; per round the least-squares
// line of the cycle's wall time less its mark CPU and less the scavenger's CPU (the freed
// spans' pages go back to the OS in ~1 ms bursts that land inside some cycles: without this,
// 6 of 10 rounds on the development VM carried one) against spans, median over the rounds.  Run
// in the same fresh process as markSlope: in the calibrate process the dead goroutines' root
// marking (2-8 ms a cycle) and its wall-time noise swamp the sweep (0.5 ms for 8192 spans).
func sweepSlope(trials func(int) int, out map[string]any) {
	const spans = 8192
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	blocks := func(n int) [][]byte {
		b := make([][]byte, n)
		for i := range b {
			b[i] = make([]byte, 8192)
		}
		return b
	}
	sweepOnce := func() float64 {
		m, sc := markCPU(), scavengeCPU()
		a := lab.Now()
		runtime.GC()
		return float64(lab.Now()-a) - (markCPU() - m) - (scavengeCPU() - sc)
	}
	liveBlocks = blocks(spans) // warm-up: the spans' pages touched once
	runtime.GC()
	sizes := []float64{0, spans / 2, spans}
	rounds := min(trials(9), 15)
	med, slope, icpt := slopeRounds(rounds, sizes, func(i int) float64 {
		liveBlocks = blocks(int(sizes[i]))
		runtime.GC() // sweeps the previous set's freed spans
		return sweepOnce()
	})
	liveBlocks = nil
	runtime.GC()
	putSlope(out, [...]string{"gc_sweep_empty_ns", "gc_sweep_half_ns", "gc_sweep_full_ns"},
		"gc_sweep_slope_ns_per_span", "gc_sweep_intercept_ns", "gc_sweep_slope_rounds",
		med, slope, icpt, rounds)
}

// putSlope records a slopeRounds result under the given keys: the three sizes' medians, the
// slope, the intercept and the number of rounds.
func putSlope(out map[string]any, sizes [3]string, slopeKey, icptKey, roundsKey string,
	med []float64, slope, icpt float64, rounds int) {
	for i, k := range sizes {
		out[k] = med[i]
	}
	out[slopeKey], out[icptKey], out[roundsKey] = slope, icpt, rounds
}

// slopeRounds runs rounds of measure(i) over the sizes xs[i], interleaved (the order rotated
// each round, so every size sees the same host state), fits the least-squares line of each
// round, and returns the per-size medians and the median per-round slope and intercept.
func slopeRounds(rounds int, xs []float64, measure func(i int) float64) (
	perSize []float64, slope, intercept float64) {
	ys := make([][]float64, len(xs))
	var slopes, intercepts []float64
	for r := range rounds {
		y := make([]float64, len(xs))
		for k := range xs {
			i := (k + r) % len(xs)
			y[i] = measure(i)
			ys[i] = append(ys[i], y[i])
		}
		s, c := lineFitX(xs, y)
		slopes, intercepts = append(slopes, s), append(intercepts, c)
	}
	for _, v := range ys {
		perSize = append(perSize, medianF(v))
	}
	return perSize, medianF(slopes), medianF(intercepts)
}

// lineFitX is the least-squares line y = slope * x + intercept through (xs[i], y[i]).
func lineFitX(xs, y []float64) (slope, intercept float64) {
	n := float64(len(y))
	var sx, sy, sxx, sxy float64
	for i, x := range xs {
		sx, sy, sxx, sxy = sx+x, sy+y[i], sxx+x*x, sxy+x*y[i]
	}
	slope = (n*sxy - sx*sy) / (n*sxx - sx*sx)
	return slope, (sy - slope*sx) / n
}
