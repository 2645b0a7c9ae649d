//go:build !unix

package daemon

import (
	"os"
	"syscall"
)

func detachAttr() *syscall.SysProcAttr { return nil }

func terminate(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

func alive(pid int) bool {
	_, err := os.FindProcess(pid)
	return err == nil
}

// Lock is a no-op where flock is unavailable.
func Lock(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, "lock")
}
