package lab

import "math"

// Rng is splitmix64. The same state update and output mix are implemented in
// goschedlab's Python side, so schedules can be checked bit for bit.
type Rng struct{ state uint64 }

// NewRng returns a generator whose state starts at seed.
func NewRng(seed uint64) *Rng { return &Rng{state: seed} }

// Uint64 advances the state by the golden-ratio increment and mixes it.
func (r *Rng) Uint64() uint64 {
	r.state += 0x9E3779B97F4A7C15
	x := r.state
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}

// Unit returns a uniform float in [0,1) built from the top 53 bits.
func (r *Rng) Unit() float64 { return float64(r.Uint64()>>11) / 9007199254740992.0 }

// ExpNs draws an exponential duration of the given mean, rounded to whole ns.
func (r *Rng) ExpNs(mean float64) int64 {
	return int64(math.Round(-mean * math.Log(1-r.Unit())))
}

// UniformNs draws floor(u*limit), a duration uniform in [0, limit).
func (r *Rng) UniformNs(limit int64) int64 { return int64(r.Unit() * float64(limit)) }

// Poisson returns the arrival offsets of a Poisson process of the given rate
// (per second) that fall inside a window of windowSec seconds. When service is
// not nil it is called once after every gap draw, so gaps and service times
// interleave on one stream; the draws for the first arrival past the window
// are consumed and dropped.
func Poisson(r *Rng, rate, windowSec float64, service func(*Rng) int64) ([]int64, []int64) {
	end := int64(windowSec * 1e9)
	gap := 1e9 / rate
	var at, svc []int64
	var t int64
	for {
		t += r.ExpNs(gap)
		var s int64
		if service != nil {
			s = service(r)
		}
		if t >= end {
			return at, svc
		}
		at = append(at, t)
		if service != nil {
			svc = append(svc, s)
		}
	}
}

// Checksum condenses a schedule (count, sum, first five, last) for the JSON,
// so another implementation of the generator can prove it draws the same one.
func Checksum(xs []int64) map[string]any {
	var sum, last int64
	for _, x := range xs {
		sum += x
	}
	head := xs
	if len(head) > 5 {
		head = head[:5]
	}
	if len(xs) > 0 {
		last = xs[len(xs)-1]
	}
	return map[string]any{"n": len(xs), "sum_ns": sum, "first_ns": head, "last_ns": last}
}

// OpenLoop is the request generator of the open-loop workloads. It runs on
// the calling goroutine: while the next arrival lies in the future it sleeps
// for the remaining time; then it releases, via release(i), every arrival
// whose due time t0+offsets[i] has passed.
func OpenLoop(t0 int64, offsets []int64, release func(i int)) {
	i := 0
	for i < len(offsets) {
		now := Now()
		if wait := t0 + offsets[i] - now; wait > 0 {
			sleepNs(wait)
			continue
		}
		for i < len(offsets) && t0+offsets[i] <= now {
			release(i)
			i++
		}
	}
}
