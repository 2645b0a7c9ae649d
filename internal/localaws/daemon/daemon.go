// Package daemon runs the local AWS as a background process and finds it
// again: the pid file and log in its data directory, starting it detached,
// probing its health endpoint, and stopping it.
//
// Files in the data directory:
//
//	local.json   the running server's pid, address, version and start time
//	local.log    the detached server's stdout and stderr
//	local.lock   held (flock) by the serving process, so two servers never share a directory
package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/localaws"
)

// DefaultAddr is where the local AWS listens unless told otherwise.
const DefaultAddr = "127.0.0.1:4566"

// Names of the files kept in the data directory.
const (
	pidFileName  = "local.json"
	logFileName  = "local.log"
	lockFileName = "local.lock"
)

// DefaultDataDir is $XDG_STATE_HOME/edasctl/local, else
// ~/.local/state/edasctl/local (the XDG Base Directory default for state).
func DefaultDataDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "edasctl", "local"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the default data directory: %w (pass --data-dir)", err)
	}
	return filepath.Join(home, ".local", "state", "edasctl", "local"), nil
}

// A Record describes a running server; it is written to local.json.
type Record struct {
	PID      int       `json:"pid"`
	Addr     string    `json:"addr"`
	Version  string    `json:"version"`
	DataDir  string    `json:"dataDir"`
	InMemory bool      `json:"inMemory"`
	Started  time.Time `json:"started"`
}

// Endpoint is the record's address as an http URL.
func (r Record) Endpoint() string { return "http://" + r.Addr }

// WriteRecord stores rec in dir/local.json atomically.
func WriteRecord(dir string, rec Record) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, pidFileName+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("write pid file: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, pidFileName)); err != nil {
		return fmt.Errorf("write pid file: %w", err)
	}
	return nil
}

// ReadRecord reads dir/local.json. A missing file is os.ErrNotExist.
func ReadRecord(dir string) (Record, error) {
	data, err := os.ReadFile(filepath.Join(dir, pidFileName))
	if err != nil {
		return Record{}, err
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return Record{}, fmt.Errorf("read %s: %w", filepath.Join(dir, pidFileName), err)
	}
	return rec, nil
}

// RemoveRecord deletes dir/local.json if it describes pid.
func RemoveRecord(dir string, pid int) {
	if rec, err := ReadRecord(dir); err == nil && rec.PID == pid {
		os.Remove(filepath.Join(dir, pidFileName))
	}
}

// LogPath is the detached server's log file in dir.
func LogPath(dir string) string { return filepath.Join(dir, logFileName) }

// Probe asks endpoint's health path whether a local AWS answers there.
// ok is false when nothing answers or something that is not the local AWS
// does.
func Probe(ctx context.Context, endpoint string) (h localaws.Health, ok bool) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(endpoint, "/")+localaws.HealthPath, nil)
	if err != nil {
		return h, false
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return h, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get(localaws.HeaderLocal) == "" {
		return h, false
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Service != "edasctl-local" {
		return h, false
	}
	return h, true
}

// probeClient never uses a proxy: the local AWS is on loopback.
var probeClient = &http.Client{Transport: &http.Transport{Proxy: nil}}

// CheckAddr refuses a listen address that is not loopback unless
// allowRemote is set: the local AWS accepts any credentials, so exposing it
// to a network is an explicit decision.
func CheckAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid address %q: want host:port, e.g. %s", addr, DefaultAddr)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s: the local AWS accepts any credentials, so it binds loopback only; pass --allow-remote to expose it", addr)
}

// ErrNotRunning is returned when no live server is recorded in a data dir.
var ErrNotRunning = errors.New("the local AWS is not running")
