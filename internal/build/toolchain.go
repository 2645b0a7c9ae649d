package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// An invocation is one run of the go command.
type invocation struct {
	Bin  string   // the go command
	Dir  string   // working directory
	Env  []string // KEY=VALUE pairs set over the inherited environment
	Args []string // arguments after the command name
}

// name returns the command and subcommand, e.g. "go build" or
// "go mod download", for messages.
func (inv invocation) name() string {
	n := len(inv.Args)
	if n > 2 {
		n = 2
	}
	if n == 2 && (inv.Args[0] != "mod" || strings.HasPrefix(inv.Args[1], "-")) {
		n = 1
	}
	return strings.Join(append([]string{"go"}, inv.Args[:n]...), " ")
}

// A goRunner runs inv and returns its standard output. A run that fails
// returns a *CommandError (whose Err is ctx.Err() when ctx ended it).
// Package and LocateSource take one so that tests can record or refuse runs.
type goRunner func(ctx context.Context, inv invocation) ([]byte, error)

// execGo is the goRunner that starts a process with exec.CommandContext.
func execGo(ctx context.Context, inv invocation) ([]byte, error) {
	cmd := exec.CommandContext(ctx, inv.Bin, inv.Args...)
	cmd.Dir = inv.Dir
	// Later entries win over earlier ones with the same key (exec.Cmd.Env),
	// so the overrides need no filtering of os.Environ().
	cmd.Env = append(os.Environ(), inv.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	if ctx.Err() != nil {
		return nil, &CommandError{Command: inv.name(), Err: ctx.Err()}
	}
	out := stderr.Bytes()
	if len(bytes.TrimSpace(out)) == 0 {
		out = stdout.Bytes()
	}
	return nil, &CommandError{Command: inv.name(), Output: tail(out), Err: err}
}

// findGo returns the go command to run: explicit when it is set (a path, or
// a name looked up on PATH), else "go" on PATH, $GOROOT/bin/go, or
// /usr/local/go/bin/go, the first that exists. It returns an error matching
// ErrNoToolchain when there is none.
func findGo(explicit string) (string, error) {
	if explicit != "" {
		p, err := exec.LookPath(explicit)
		if err != nil {
			return "", fmt.Errorf("find go command %s: %w", explicit, ErrNoToolchain)
		}
		return p, nil
	}
	candidates := []string{"go"}
	if root := os.Getenv("GOROOT"); root != "" {
		candidates = append(candidates, filepath.Join(root, "bin", "go"))
	}
	candidates = append(candidates, filepath.Join(string(filepath.Separator), "usr", "local", "go", "bin", "go"))
	for _, c := range candidates {
		// LookPath refuses a "go" that resolves inside the current directory
		// (exec.ErrDot), which is what we want: never run a stray ./go.
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", ErrNoToolchain
}

// Pinned code-generation levels. They are the toolchain's defaults; pinning
// them keeps a user's GOAMD64=v3 (say) from changing the bytes, or from
// producing a binary that a Lambda host might not run.
const (
	pinnedGOAMD64 = "v1"
	pinnedGOARM64 = "v8.0"
)

// buildEnv returns the environment overrides for compiling for goos/goarch.
//
// GOFLAGS is set to a fixed, non-empty value rather than cleared: an empty
// GOFLAGS would let a value saved with `go env -w GOFLAGS=…` apply (the go
// command falls back to its env file for unset or empty variables), while any
// non-empty value replaces both. GOWORK=off keeps a go.work file above a
// clone from swapping in other copies of modules. GOTOOLCHAIN is left as the
// user has it: with the default "auto", a go older than the go line of go.mod
// downloads the toolchain it names, which is the only way such a user can
// build; the toolchain that actually runs is part of the cache key (see
// cacheKey), so a switch cannot serve a stale zip. GOEXPERIMENT and
// GOFIPS140 are left alone too and are part of the cache key.
func buildEnv(goos, goarch string) []string {
	return []string{
		"GOOS=" + goos,
		"GOARCH=" + goarch,
		"CGO_ENABLED=0",
		"GOFLAGS=-buildvcs=false",
		"GOWORK=off",
		"GOAMD64=" + pinnedGOAMD64,
		"GOARM64=" + pinnedGOARM64,
	}
}
