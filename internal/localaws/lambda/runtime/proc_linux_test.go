package runtime

import (
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
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

func TestStartProcess_givesTheProcessTheInstanceTimerSlackAndTheCallerKeepsItsOwn(t *testing.T) {
	if _, err := os.Stat("/proc/self/timerslack_ns"); err != nil {
		t.Skip("this kernel has no /proc/<pid>/timerslack_ns:", err)
	}
	// Stay on one thread, so that the slack read before and after is the
	// slack of the thread that forked.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	cmd := exec.Command("cat", "/proc/self/timerslack_ns")
	cmd.Stdout = &out
	if err := startProcess(cmd); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	got, err := strconv.ParseInt(strings.TrimSpace(out.String()), 10, 64)
	if err != nil {
		t.Fatalf("timerslack_ns = %q: %v", out.String(), err)
	}
	if got != InstanceTimerSlack.Nanoseconds() {
		t.Errorf("the process's timer slack = %d ns, want %d", got, InstanceTimerSlack.Nanoseconds())
	}
	after, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("the calling thread's timer slack = %d ns after starting, %d before", after, before)
	}
}
