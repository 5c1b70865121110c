package lab

import (
	"math"
	"slices"
	"time"
)

func sleepNs(d int64) { time.Sleep(time.Duration(d)) }

// Series is the JSON summary of one per-request latency series.
type Series struct {
	N      int     `json:"n"`
	MinNs  int64   `json:"min_ns"`
	MeanNs float64 `json:"mean_ns"`
	P50Ns  int64   `json:"p50_ns"`
	P90Ns  int64   `json:"p90_ns"`
	P99Ns  int64   `json:"p99_ns"`
	P999Ns int64   `json:"p999_ns"`
	MaxNs  int64   `json:"max_ns"`
	// Non-empty buckets of a log histogram with 4 buckets per doubling:
	// bucket k holds [2^(k/4), 2^((k+1)/4)) ns; non-positive values form one
	// bucket reported as [MinInt64, 1).
	HistLoNs []int64 `json:"hist_lo_ns"`
	HistHiNs []int64 `json:"hist_hi_ns"`
	HistCnt  []int64 `json:"hist_count"`
}

// Rank returns the nearest-rank q-quantile of ascending data: the element at
// position ceil(q*n)-1, clamped to the slice.
func Rank(sorted []int64, q float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

// Summary computes the Series of the values (the input is not modified).
func Summary(values []int64) Series {
	v := slices.Clone(values)
	slices.Sort(v)
	s := Series{N: len(v)}
	if len(v) == 0 {
		return s
	}
	total := 0.0
	buckets := map[int]int64{}
	for _, x := range v {
		total += float64(x)
		b := -1
		if x > 0 {
			b = int(math.Floor(4 * math.Log2(float64(x))))
		}
		buckets[b]++
	}
	s.MinNs, s.MaxNs = v[0], v[len(v)-1]
	s.MeanNs = total / float64(len(v))
	s.P50Ns, s.P90Ns = Rank(v, 0.5), Rank(v, 0.9)
	s.P99Ns, s.P999Ns = Rank(v, 0.99), Rank(v, 0.999)
	ks := make([]int, 0, len(buckets))
	for b := range buckets {
		ks = append(ks, b)
	}
	slices.Sort(ks)
	for _, b := range ks {
		lo, hi := int64(math.MinInt64), int64(1)
		if b >= 0 {
			lo = int64(math.Ceil(math.Exp2(float64(b) / 4)))
			hi = int64(math.Ceil(math.Exp2(float64(b+1) / 4)))
		}
		s.HistLoNs = append(s.HistLoNs, lo)
		s.HistHiNs = append(s.HistHiNs, hi)
		s.HistCnt = append(s.HistCnt, buckets[b])
	}
	return s
}
