// Package proccpu reads the CPU time the current process has used, for
// benchmarks that report CPU per operation (cpu-µs/op) alongside wall time:
// on 2 cores, wall time alone hides work moved to background goroutines.
package proccpu

import "time"

// Used returns the user plus system CPU time the process (not its
// children) has used so far, or 0 where that is unknown.
func Used() time.Duration { return used() }

// MicrosPerOp is the CPU used since start, in microseconds, divided by n.
func MicrosPerOp(start time.Duration, n int) float64 {
	if n <= 0 {
		return 0
	}
	return float64((Used() - start).Microseconds()) / float64(n)
}
