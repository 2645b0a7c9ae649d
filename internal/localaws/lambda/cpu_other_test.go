//go:build !unix

package lambda

import "time"

// selfCPU is not measured on this platform: the benchmarks report 0.
func selfCPU() time.Duration { return 0 }
