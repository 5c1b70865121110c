//go:build !go1.23

package main

// coro needs iter.Pull (Go 1.23); older releases run the blocking workload instead.
func coro(n int) { blocking(n) }
