package proccpu

import (
	"runtime"
	"testing"
)

func TestUsedGrowsWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no getrusage")
	}
	start := Used()
	x := 0
	for i := range 50_000_000 {
		x += i ^ (x >> 3)
	}
	if x == 42 {
		t.Log(x)
	}
	if got := Used() - start; got <= 0 {
		t.Fatalf("Used grew by %v across a busy loop", got)
	}
	if per := MicrosPerOp(start, 0); per != 0 {
		t.Errorf("MicrosPerOp with n = 0 = %v, want 0", per)
	}
}
