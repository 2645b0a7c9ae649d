package main

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/edasctl/edasctl/internal/handler"
)

// setRuntime sets GOMAXPROCS and GOGC for the test and puts the previous
// values back after it.
func setRuntime(t *testing.T, procs, gc int) {
	prevProcs := runtime.GOMAXPROCS(procs)
	prevGC := debug.SetGCPercent(gc)
	t.Cleanup(func() {
		runtime.GOMAXPROCS(prevProcs)
		debug.SetGCPercent(prevGC)
	})
}

// gcPercent returns the current GOGC.
func gcPercent() int {
	gc := debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	return gc
}

func envOf(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestTuneRuntime(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		startGC   int // GOGC before, as the environment would set it
		wantProcs int
		wantGC    int
	}{
		{
			name:    "runs the catalog on one processor with a lazier collector",
			env:     map[string]string{handler.EnvAction: handler.ActionCatalog},
			startGC: 100, wantProcs: 1, wantGC: catalogGCPercent,
		},
		{
			name:    "runs the thumbnail on one processor with the default collector",
			env:     map[string]string{handler.EnvAction: handler.ActionThumbnail},
			startGC: 100, wantProcs: 1, wantGC: 100,
		},
		{
			name:    "leaves what the environment sets",
			env:     map[string]string{handler.EnvAction: handler.ActionCatalog, "GOMAXPROCS": "2", "GOGC": "150"},
			startGC: 150, wantProcs: 2, wantGC: 150,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN two processors and the GOGC the environment implies
			setRuntime(t, 2, tt.startGC)

			tuneRuntime(envOf(tt.env))

			if got := runtime.GOMAXPROCS(0); got != tt.wantProcs {
				t.Errorf("GOMAXPROCS = %d, want %d", got, tt.wantProcs)
			}
			if got := gcPercent(); got != tt.wantGC {
				t.Errorf("GOGC = %d, want %d", got, tt.wantGC)
			}
		})
	}
}
