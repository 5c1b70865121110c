//go:build go1.23

package main

import "iter"

// coro drives iter.Pull coroutines (GoSwitch, GoSwitchDestroy, GoCreateBlocked).
func coro(n int) {
	seq := func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
	for k := 0; k < 3; k++ {
		next, stop := iter.Pull(iter.Seq[int](seq))
		s := 0
		for {
			v, ok := next()
			if !ok {
				break
			}
			s += v
		}
		stop()
		_ = s
	}
	blocking(10)
}
