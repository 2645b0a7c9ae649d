package runtime

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr puts the bootstrap in a process group of its own, so that a
// timeout kills everything it started.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// startProcess starts cmd; the timer slack is Linux's.
func startProcess(cmd *exec.Cmd) error { return cmd.Start() }

// killGroup kills the process group led by pid.
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// A memoryGauge would read a process's peak memory; it is not measured on
// this platform.
type memoryGauge struct{}

func openMemoryGauge(int) *memoryGauge { return &memoryGauge{} }

// peakMB returns 0: unknown.
func (*memoryGauge) peakMB() int { return 0 }

func (*memoryGauge) close() {}

// fionread is FIONREAD of <sys/filio.h>: _IOR('f', 127, int).
const fionread = 0x4004667f

// pendingBytes returns how many bytes the pipe f holds unread.
func pendingBytes(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Control(func(fd uintptr) {
		v, err := unix.IoctlGetInt(int(fd), fionread)
		if err == nil {
			n = v
		}
	})
	return n
}
