package main

import (
	"os"
	"runtime/debug"
)

// gcPercent and gcSoftLimit tune the garbage collector for what edasctl
// spends its CPU on: serving the local AWS (edasctl local, demo) and
// driving it (bench, upload) allocate a little per request, many thousand
// times a second, over a small live heap. With Go's default (GOGC=100) the
// collector ran several times a second and took about a fifth of the
// local AWS's CPU per S3 PUT (cpu-µs/op of `go test ./internal/localaws/s3
// -bench PutObject1KiB$` with GOGC=100 vs 400). Letting the heap grow to
// five times the live data cuts that to a quarter; the soft limit makes the
// collector work harder again once the process nears 1 GiB, so a local AWS
// holding much state does not grow to five times it. GOGC and GOMEMLIMIT
// in the environment override both (https://go.dev/doc/gc-guide).
const (
	gcPercent   = 400
	gcSoftLimit = 1 << 30
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(gcSoftLimit)
	}
}
