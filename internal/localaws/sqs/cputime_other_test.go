//go:build !unix

package sqs

import "time"

// processCPU returns the CPU time the process has used so far, or 0 where
// that is unknown.
func processCPU() time.Duration { return 0 }
