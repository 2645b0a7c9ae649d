package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// StartOptions say how to start a detached server.
type StartOptions struct {
	Exe      string   // the edasctl binary; "" = os.Executable()
	Args     []string // arguments of the foreground server, e.g. ["local", "--addr", …, "--data-dir", …]
	DataDir  string   // where the log and pid file go
	Endpoint string   // where the server will answer, to wait for it
	Timeout  time.Duration
}

// StartDetached starts the server as a new session leader (so it outlives
// the terminal), with output to DataDir/local.log, and returns once its
// health endpoint answers, or an error that quotes the end of the log.
func StartDetached(ctx context.Context, o StartOptions) (pid int, err error) {
	exe := o.Exe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return 0, fmt.Errorf("start the local AWS: %w", err)
		}
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return 0, fmt.Errorf("start the local AWS: %w", err)
	}
	logf, err := os.OpenFile(LogPath(o.DataDir), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, fmt.Errorf("start the local AWS: %w", err)
	}
	defer logf.Close()
	cmd := exec.Command(exe, o.Args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = detachAttr()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start the local AWS: %w", err)
	}
	pid = cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	timeout := o.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	deadline := time.Now().Add(timeout)
	for {
		if _, ok := Probe(ctx, o.Endpoint); ok {
			cmd.Process.Release()
			return pid, nil
		}
		select {
		case err := <-exited:
			return 0, fmt.Errorf("the local AWS exited at start (%v): %s", err, lastLine(LogPath(o.DataDir)))
		case <-ctx.Done():
			cmd.Process.Kill()
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			return 0, fmt.Errorf("the local AWS did not answer on %s within %v; see %s", o.Endpoint, timeout, LogPath(o.DataDir))
		}
	}
}

// Stop sends SIGTERM to the server recorded in dataDir and waits until it
// has exited (it finishes in-flight requests first). It refuses to signal a
// pid whose health endpoint does not answer as the local AWS, so a stale pid
// file never kills an unrelated process.
func Stop(ctx context.Context, dataDir string, timeout time.Duration) (Record, error) {
	rec, err := ReadRecord(dataDir)
	if errors.Is(err, os.ErrNotExist) {
		return Record{}, ErrNotRunning
	}
	if err != nil {
		return Record{}, err
	}
	if _, ok := Probe(ctx, rec.Endpoint()); !ok || !alive(rec.PID) {
		RemoveRecord(dataDir, rec.PID)
		return rec, ErrNotRunning
	}
	if err := terminate(rec.PID); err != nil {
		return rec, fmt.Errorf("stop the local AWS (pid %d): %w", rec.PID, err)
	}
	deadline := time.Now().Add(timeout)
	for alive(rec.PID) {
		if time.Now().After(deadline) {
			return rec, fmt.Errorf("the local AWS (pid %d) did not stop within %v", rec.PID, timeout)
		}
		select {
		case <-ctx.Done():
			return rec, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	RemoveRecord(dataDir, rec.PID)
	return rec, nil
}

// Status returns the record of the server running for dataDir, or
// ErrNotRunning.
func Status(ctx context.Context, dataDir string) (Record, error) {
	rec, err := ReadRecord(dataDir)
	if errors.Is(err, os.ErrNotExist) {
		return Record{}, ErrNotRunning
	}
	if err != nil {
		return Record{}, err
	}
	h, ok := Probe(ctx, rec.Endpoint())
	if !ok || !alive(rec.PID) {
		return rec, ErrNotRunning
	}
	rec.Version = h.Version
	return rec, nil
}

func lastLine(path string) string {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return "no output"
	}
	s := string(data)
	for len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' {
			return s[i+1:]
		}
	}
	return s
}
