package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startCPUProfile writes a CPU profile of this run to the file named by
// EDASCTL_CPUPROFILE, for `go tool pprof`; it returns the function that
// stops and flushes it. Unset, it does nothing. `edasctl local` stops
// profiling when it shuts down on SIGINT or SIGTERM. A developer's tool:
// docs/benchmarks.md says how it is used.
func startCPUProfile() (stop func()) {
	path := os.Getenv("EDASCTL_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "warning: EDASCTL_CPUPROFILE: %v; not profiling\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
