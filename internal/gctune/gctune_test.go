package gctune

import (
	"runtime/debug"
	"testing"
)

func TestApplySetsAndRestoresTheCollector(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(123)
	defer debug.SetGCPercent(before)
	restore := Apply()
	if got := debug.SetGCPercent(Percent); got != Percent {
		t.Errorf("GC percent = %d after Apply, want %d", got, Percent)
	}
	if got := debug.SetMemoryLimit(-1); got != SoftLimit {
		t.Errorf("memory limit = %d after Apply, want %d", got, SoftLimit)
	}
	restore()
	if got := debug.SetGCPercent(before); got != 123 {
		t.Errorf("GC percent = %d after restore, want the 123 it was", got)
	}
}

func TestApplyLeavesWhatTheEnvironmentSets(t *testing.T) {
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	restore := Apply()
	defer restore()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("GC percent = %d with GOGC=150, want it left alone", got)
	}
}
