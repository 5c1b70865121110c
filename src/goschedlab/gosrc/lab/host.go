package lab

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// statusField returns an integer field of /proc/self/status, -1 if absent.
func statusField(name string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, name+":")
		if !ok {
			continue
		}
		if f := strings.Fields(rest); len(f) > 0 {
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				return n
			}
		}
	}
	return -1
}

// Threads is the number of OS threads of this process right now.
func Threads() int64 { return statusField("Threads") }

// cpuTimes is the host-wide "cpu" line of /proc/stat converted to ns
// (10 ms per jiffy): task time (user+nice+system), steal and irq+softirq.
type cpuTimes struct{ tasks, steal, irq int64 }

func hostTimes() cpuTimes {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{-1, -1, -1}
	}
	first, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(first)
	j := make([]int64, 10)
	for i := range j {
		if i+1 < len(f) {
			j[i], _ = strconv.ParseInt(f[i+1], 10, 64)
		}
	}
	const jiffy = 10_000_000
	return cpuTimes{tasks: (j[0] + j[1] + j[2]) * jiffy, steal: j[7] * jiffy, irq: (j[5] + j[6]) * jiffy}
}

// schedstat sums the on-CPU and run-queue-wait ns of every thread of ours.
func schedstat() (oncpu, wait int64) {
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return -1, -1
	}
	for _, e := range ents {
		b, err := os.ReadFile("/proc/self/task/" + e.Name() + "/schedstat")
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) >= 2 {
			a, _ := strconv.ParseInt(f[0], 10, 64)
			w, _ := strconv.ParseInt(f[1], 10, 64)
			oncpu += a
			wait += w
		}
	}
	return oncpu, wait
}

type usage struct {
	UtimeNs int64 `json:"utime_ns"`
	StimeNs int64 `json:"stime_ns"`
	Nvcsw   int64 `json:"nvcsw"`
	Nivcsw  int64 `json:"nivcsw"`
	Minflt  int64 `json:"minflt"`
}

func selfUsage() usage {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return usage{ru.Utime.Nano(), ru.Stime.Nano(), ru.Nvcsw, ru.Nivcsw, ru.Minflt}
}

func (b usage) minus(a usage) usage {
	return usage{b.UtimeNs - a.UtimeNs, b.StimeNs - a.StimeNs, b.Nvcsw - a.Nvcsw,
		b.Nivcsw - a.Nivcsw, b.Minflt - a.Minflt}
}
