//go:build !linux && !darwin

package runtime

import (
	"os"
	"os/exec"
	"syscall"
)

// sysProcAttr starts the bootstrap as a plain child process: process
// groups are only used on Linux and macOS.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// startProcess starts cmd; the timer slack is Linux's.
func startProcess(cmd *exec.Cmd) error { return cmd.Start() }

// killGroup kills the process pid (only; see sysProcAttr).
func killGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
}

// A memoryGauge would read a process's peak memory; it is not measured on
// this platform.
type memoryGauge struct{}

func openMemoryGauge(int) *memoryGauge { return &memoryGauge{} }

// peakMB returns 0: unknown.
func (*memoryGauge) peakMB() int { return 0 }

func (*memoryGauge) close() {}

// pendingBytes is unknown on this platform; Sync then waits for nothing.
func pendingBytes(*os.File) int { return 0 }
