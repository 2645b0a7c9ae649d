package runtime

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr puts the bootstrap in a process group of its own, so that a
// timeout kills everything it started, and kills it if edasctl dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// startProcess starts cmd with a timer slack of [InstanceTimerSlack].
//
// A process inherits the timer slack of the thread that forks it, and keeps
// it across execve (prctl(2), PR_SET_TIMERSLACK), so the calling goroutine
// locks its thread, sets the slack there, starts cmd, and puts the thread's
// own slack back before unlocking it. A slack that cannot be set (a kernel
// without the option) leaves the process with the default.
func startProcess(cmd *exec.Cmd) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	old, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err != nil {
		return cmd.Start()
	}
	if err := unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(InstanceTimerSlack.Nanoseconds()), 0, 0, 0); err != nil {
		return cmd.Start()
	}
	startErr := cmd.Start()
	if err := unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(old), 0, 0, 0); err != nil {
		// The thread keeps the wider slack, which would delay the timers
		// of whatever goroutine runs on it next: keep it locked to this
		// goroutine, so that it ends with it instead of going back to
		// the scheduler.
		runtime.LockOSThread()
	}
	return startErr
}

// killGroup kills the process group led by pid.
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// A memoryGauge reads the peak resident set size of one process (VmHWM in
// /proc/<pid>/status). It keeps the file open and rereads it from offset 0,
// which makes the kernel render it afresh: one pread per reading instead of
// an open, reads and a close. The open file also stays bound to the process
// it was opened for, even once its PID is reused. It is safe for concurrent
// use with close.
type memoryGauge struct{ f *os.File }

// openMemoryGauge opens the gauge of pid; if it cannot, the gauge reads 0.
func openMemoryGauge(pid int) *memoryGauge {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return &memoryGauge{}
	}
	return &memoryGauge{f: f}
}

// peakMB returns the process's peak resident set size in MB, rounded up,
// or 0 when unknown (the process has exited, or the file cannot be read).
func (g *memoryGauge) peakMB() int {
	if g.f == nil {
		return 0
	}
	var buf [4096]byte // the whole file is about 1.5 KB; VmHWM is in its first half
	n, err := g.f.ReadAt(buf[:], 0)
	if err != nil && err != io.EOF {
		return 0
	}
	return vmHWM(buf[:n])
}

func (g *memoryGauge) close() {
	if g.f != nil {
		g.f.Close()
	}
}

// vmHWM parses the VmHWM line of a /proc/<pid>/status text ("VmHWM:\t  1234 kB")
// into MB, rounded up; 0 when it is missing or malformed.
func vmHWM(status []byte) int {
	const key = "\nVmHWM:"
	i := bytes.Index(status, []byte(key))
	if i < 0 {
		return 0
	}
	rest := status[i+len(key):]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	v, ok := bytes.CutSuffix(bytes.TrimSpace(rest), []byte("kB"))
	if !ok {
		return 0
	}
	kb, err := strconv.Atoi(string(bytes.TrimSpace(v)))
	if err != nil {
		return 0
	}
	return (kb + 1023) / 1024
}

// pendingBytes returns how many bytes the pipe f holds unread (FIONREAD,
// named TIOCINQ on Linux).
func pendingBytes(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Control(func(fd uintptr) {
		v, err := unix.IoctlGetInt(int(fd), unix.TIOCINQ)
		if err == nil {
			n = v
		}
	})
	return n
}
