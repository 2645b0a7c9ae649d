package build

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
)

// testModulePath is the module path of the throwaway modules the tests
// build: not ModulePath, so that LocateSource's clone search ignores them.
const testModulePath = "example.com/handlertest"

// testModule is a small handler module that imports only the standard
// library and one package of its own, plus files the handler does not use.
var testModule = map[string]string{
	"go.mod": "module " + testModulePath + "\n\ngo 1.26\n",
	"cmd/handler/main.go": `package main

import (
	"fmt"

	"example.com/handlertest/internal/greet"
)

func main() { fmt.Println(greet.Hello()) }
`,
	"cmd/handler/main_test.go":     "package main\n",
	"internal/greet/greet.go":      "package greet\n\n// Hello greets.\nfunc Hello() string { return \"hello\" }\n",
	"internal/greet/greet_test.go": "package greet\n",
	"internal/unused/unused.go":    "package unused\n",
	"README.md":                    "not source\n",
}

// writeModule writes files (slash-separated relative path → contents)
// under a new temporary directory and returns it.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, body := range files {
		writeFile(t, root, rel, body)
	}
	return root
}

// writeFile writes body to root/rel, creating directories.
func writeFile(t *testing.T, root, rel, body string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// noBuildInfo stands in for debug.ReadBuildInfo in a binary built inside
// its module, which has no published version.
func noBuildInfo() (*debug.BuildInfo, bool) {
	return &debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "(devel)"}}, true
}

// A recorder is a goRunner that runs the real go command (or a scripted
// answer, when respond is set) and records every invocation.
type recorder struct {
	mu      sync.Mutex
	calls   []invocation
	respond func(inv invocation) ([]byte, error)
}

func (r *recorder) run(ctx context.Context, inv invocation) ([]byte, error) {
	r.mu.Lock()
	r.calls = append(r.calls, inv)
	r.mu.Unlock()
	if r.respond != nil {
		return r.respond(inv)
	}
	return execGo(ctx, inv)
}

// commands returns the recorded invocations as "go build", "go env", ….
func (r *recorder) commands() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		out = append(out, c.name())
	}
	return out
}

// ran reports whether a recorded invocation was the go command name.
func (r *recorder) ran(name string) bool {
	for _, c := range r.commands() {
		if c == name {
			return true
		}
	}
	return false
}

// testPackager returns a packager that records its go runs into rec.
func testPackager(rec *recorder) packager {
	return packager{run: rec.run, buildInfo: noBuildInfo}
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
