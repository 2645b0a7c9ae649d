// Package gctune sets the garbage collector the way edasctl runs it.
package gctune

import (
	"os"
	"runtime/debug"
)

// Percent and SoftLimit tune the garbage collector for what edasctl spends
// its CPU on: serving the local AWS (edasctl local, demo) and driving it
// (bench, upload) allocate a little per request, many thousand times a
// second, over a small live heap. With Go's default (GOGC=100) the
// collector ran several times a second and took about a fifth of the local
// AWS's CPU per S3 PUT (cpu-µs/op of `go test ./internal/localaws/s3 -bench
// PutObject1KiB$` with GOGC=100 vs 400). Letting the heap grow to five
// times the live data cuts that to a quarter; the soft limit makes the
// collector work harder again once the process nears 1 GiB, so a local AWS
// holding much state does not grow to five times it
// (https://go.dev/doc/gc-guide).
const (
	Percent   = 400
	SoftLimit = 1 << 30
)

// Apply sets Percent and SoftLimit, each unless the environment sets it
// (GOGC, GOMEMLIMIT), and returns the function that restores the previous
// settings (for benchmarks that run as edasctl does).
func Apply() (restore func()) {
	prevPercent, prevLimit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		prevPercent = debug.SetGCPercent(Percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		prevLimit = debug.SetMemoryLimit(SoftLimit)
	}
	return func() {
		if prevPercent != -2 {
			debug.SetGCPercent(prevPercent)
		}
		if prevLimit >= 0 {
			debug.SetMemoryLimit(prevLimit)
		}
	}
}
