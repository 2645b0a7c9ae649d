package build

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// ModulePath is the module whose cmd/handler is packaged.
const ModulePath = "github.com/edasctl/edasctl"

// handlerDir is the handler's main package, relative to the module root.
const handlerDir = "cmd/handler"

// LocateSource returns the root directory of the module whose cmd/handler
// Package compiles, trying in order:
//
//  1. opts.SourceDir, when set. It must hold go.mod and cmd/handler; its
//     module path is not checked, so a fork or a test module works too.
//  2. The nearest directory at or above opts.WorkDir (default: the current
//     directory) whose go.mod declares ModulePath: a clone, as in
//     `go run ./cmd/edasctl package`.
//  3. The module version this binary was built from, when it is a published
//     one (`go install github.com/edasctl/edasctl/cmd/edasctl@v1.2.3`; not
//     "(devel)" and not a "+dirty" local build): its directory in the module
//     cache, $(go env GOMODCACHE)/<escaped path>@<escaped version>, which
//     `go mod download -json` fills when it is missing.
//
// When none applies it returns a *SourceError (errors.Is ErrNoSource). Step
// 3 needs the go command; without one the error matches ErrNoToolchain.
func LocateSource(ctx context.Context, opts Options) (dir string, err error) {
	l := locator{goBin: opts.GoBin, run: execGo, buildInfo: debug.ReadBuildInfo}
	return l.locate(ctx, opts.SourceDir, opts.WorkDir)
}

// A locator carries LocateSource's dependencies on the process, so that
// tests can substitute the build information and the go command.
type locator struct {
	goBin     string // as Options.GoBin
	run       goRunner
	buildInfo func() (*debug.BuildInfo, bool)
}

func (l locator) locate(ctx context.Context, sourceDir, workDir string) (string, error) {
	if sourceDir != "" {
		return checkSource(sourceDir)
	}
	if workDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("locate handler source: %w", err)
		}
		workDir = wd
	}
	if root, ok := findClone(workDir); ok {
		return checkSource(root)
	}
	if bi, ok := l.buildInfo(); ok && bi.Main.Path == ModulePath && published(bi.Main.Version) {
		return l.moduleCacheSource(ctx, bi.Main.Version)
	}
	return "", &SourceError{Tried: "not in a clone, and the binary has no module version"}
}

// checkSource returns dir as an absolute path if it holds go.mod and the
// handler package.
func checkSource(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("check handler source %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
		return "", fmt.Errorf("check handler source %s: %w", abs, err)
	}
	fi, err := os.Stat(filepath.Join(abs, filepath.FromSlash(handlerDir)))
	if err != nil {
		return "", fmt.Errorf("check handler source %s: %w", abs, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("check handler source %s: %s is not a directory", abs, handlerDir)
	}
	return abs, nil
}

// findClone walks up from start to the first directory whose go.mod
// declares ModulePath. A go.mod of another module (a nested test module, a
// checkout inside some other project) does not stop the walk.
func findClone(start string) (string, bool) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", false
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modulePathOf(data) == ModulePath {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// modulePathOf returns the path on the module line of the go.mod text
// gomod, or "" if it has none.
func modulePathOf(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module")
		if !ok || rest == "" || !strings.ContainsAny(rest[:1], " \t\"`") {
			continue
		}
		if i := strings.Index(rest, "//"); i >= 0 {
			rest = rest[:i]
		}
		rest = strings.TrimSpace(rest)
		if unq, err := strconv.Unquote(rest); err == nil {
			rest = unq
		}
		return rest
	}
	return ""
}

// published reports whether v is a module version that the module proxy
// can serve: not empty, not "(devel)" (a build inside the module), and
// without build metadata such as "+dirty" (a VCS-stamped local build).
func published(v string) bool {
	return v != "" && v != "(devel)" && !strings.Contains(v, "+")
}

// moduleCacheSource returns the module cache directory of ModulePath at
// version, downloading the module when it is not there.
func (l locator) moduleCacheSource(ctx context.Context, version string) (string, error) {
	goBin, err := findGo(l.goBin)
	if err != nil {
		return "", err
	}
	escPath, err := escapeModulePath(ModulePath)
	if err != nil {
		return "", err
	}
	escVersion, err := escapeModulePath(version)
	if err != nil {
		return "", err
	}
	out, err := l.run(ctx, toolInvocation(goBin, os.TempDir(), "env", "GOMODCACHE"))
	if err != nil {
		return "", fmt.Errorf("find module cache: %w", err)
	}
	if cache := strings.TrimSpace(string(out)); cache != "" {
		dir := filepath.Join(cache, filepath.FromSlash(escPath)+"@"+escVersion)
		if src, err := checkSource(dir); err == nil {
			return src, nil
		}
	}
	return l.download(ctx, goBin, version)
}

// download runs `go mod download -json ModulePath@version` and returns the
// directory it reports.
func (l locator) download(ctx context.Context, goBin, version string) (string, error) {
	mod := ModulePath + "@" + version
	tmp, err := os.MkdirTemp("", "edasctl-download-")
	if err != nil {
		return "", fmt.Errorf("download %s: %w", mod, err)
	}
	defer os.RemoveAll(tmp)
	// The empty temporary directory is outside any module, so the download
	// neither reads nor edits the go.mod of wherever the user stands.
	out, err := l.run(ctx, toolInvocation(goBin, tmp, "mod", "download", "-json", mod))
	if ctx.Err() != nil {
		return "", fmt.Errorf("download %s: %w", mod, ctx.Err())
	}
	if err != nil {
		return "", &SourceError{Tried: "not in a clone, and go mod download " + mod + " failed: " + downloadFailure(err), Err: err}
	}
	var res struct{ Dir, Error string }
	if err := json.Unmarshal(out, &res); err != nil {
		return "", fmt.Errorf("download %s: decode go mod download output: %w", mod, err)
	}
	if res.Error != "" || res.Dir == "" {
		return "", &SourceError{Tried: "not in a clone, and go mod download " + mod + " failed: " + res.Error}
	}
	return checkSource(res.Dir)
}

// downloadFailure returns one line saying why `go mod download -json`
// failed: the Error field of the JSON it printed, else the first line it
// printed, else the exit status.
func downloadFailure(err error) string {
	var ce *CommandError
	if !errors.As(err, &ce) {
		return err.Error()
	}
	var res struct{ Error string }
	if json.Unmarshal([]byte(ce.Output), &res) == nil && res.Error != "" {
		return firstLine(res.Error)
	}
	if s := strings.TrimSpace(ce.Output); s != "" {
		return firstLine(s)
	}
	return ce.Err.Error()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// toolInvocation is an invocation of a go subcommand that is not a build:
// GOFLAGS and GOWORK are pinned as for builds so a user's settings cannot
// make it fail or look elsewhere.
func toolInvocation(goBin, dir string, args ...string) invocation {
	return invocation{Bin: goBin, Dir: dir, Env: []string{"GOFLAGS=-buildvcs=false", "GOWORK=off"}, Args: args}
}
