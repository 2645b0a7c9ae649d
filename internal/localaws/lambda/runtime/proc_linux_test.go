package runtime

import (
	"os"
	"testing"
)

var ballast []byte

func TestMemoryGauge_followsThePeakOfItsProcess(t *testing.T) {
	g := openMemoryGauge(os.Getpid())
	defer g.close()
	before := g.peakMB()
	if before <= 0 {
		t.Fatalf("peak = %d MB before allocating", before)
	}
	ballast = make([]byte, 64<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1 // touch every page so that it becomes resident
	}
	if after := g.peakMB(); after < before+60 {
		t.Fatalf("peak = %d MB after touching 64 MB, %d MB before", after, before)
	}
	ballast = nil
	g.close()
	if got := g.peakMB(); got != 0 {
		t.Fatalf("peak = %d MB once closed, want 0", got)
	}
}

func TestVmHWM_parsesTheStatusLineRoundingUp(t *testing.T) {
	for status, want := range map[string]int{
		"Name:\tx\nVmPeak:\t 9999 kB\nVmHWM:\t    1025 kB\nVmRSS:\t 1 kB\n": 2,
		"Name:\tx\nVmHWM:\t2048 kB":                                         2,
		"Name:\tx\nVmRSS:\t 1 kB\n":                                         0,
		"Name:\tx\nVmHWM:\tlots kB\n":                                       0,
	} {
		if got := vmHWM([]byte(status)); got != want {
			t.Errorf("vmHWM(%q) = %d, want %d", status, got, want)
		}
	}
}
