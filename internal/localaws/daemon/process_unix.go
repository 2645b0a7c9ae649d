//go:build unix

package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

func detachAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

func terminate(pid int) error { return syscall.Kill(pid, syscall.SIGTERM) }

// alive reports whether pid exists (signal 0 probes without signalling).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Lock takes the data directory's exclusive lock for the life of the
// process; release it by closing the returned file. A second server on the
// same directory gets an error naming the holder.
func Lock(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		holder := "another process"
		if rec, rerr := ReadRecord(dir); rerr == nil {
			holder = fmt.Sprintf("pid %d on %s", rec.PID, rec.Addr)
		}
		return nil, fmt.Errorf("data directory %s is in use by %s; stop it with 'edasctl local stop' or use another --data-dir", dir, holder)
	}
	return f, nil
}
