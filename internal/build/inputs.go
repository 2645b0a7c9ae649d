package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"hash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// cacheFormat names the layout of the cached zip. Bump it whenever
// zipBootstrap or the build flags change in a way the key does not see.
const cacheFormat = "edasctl-handler-zip/1"

// keyGoEnv are the go environment variables that can change the compiled
// bytes. They are read with `go env` under the build's environment, from
// the module root, so the key sees what the build will see: the toolchain
// that actually runs after any GOTOOLCHAIN switch, and values saved with
// `go env -w` as well as those in the environment.
var keyGoEnv = []string{
	"GOVERSION", "GOOS", "GOARCH", "GOFLAGS", "GOEXPERIMENT", "GOFIPS140",
	"GOAMD64", "GOARM64", "GO386", "GOARM", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM",
}

// errUncacheable reports a module whose build depends on files the key
// cannot see; Package then builds without the cache.
var errUncacheable = errors.New("go.mod replaces a module with a local directory")

// cacheKey returns the hex SHA-256 that names the cache entry for the
// handler of the module at src built with env. It hashes:
//
//   - cacheFormat, and runtime.Version() of this program (its Deflate
//     writes the zip);
//   - the keyGoEnv values and buildFlags;
//   - go.mod and go.sum, which pin every dependency outside the module (the
//     module cache is read-only and checked against go.sum), and, if the
//     module vendors, every file under vendor/;
//   - the relative path and contents of each file that can reach the
//     binary from a package of this module that cmd/handler imports,
//     directly or not (see packageFiles).
//
// The packages are found by following import declarations from
// cmd/handler, parsing only the import blocks (go/parser ImportsOnly),
// instead of asking `go list -deps`: that loads every dependency and takes
// hundreds of milliseconds, while a warm cache hit must cost tens. Build
// constraints are ignored, so the walk may take in a file or package that
// this GOOS/GOARCH would leave out; that can only cause a needless rebuild,
// never a stale zip. Editing a package the handler does not import (the CLI,
// the local AWS) leaves the key unchanged.
//
// A go.mod that replaces a module with a local directory makes the key
// incomplete; cacheKey then returns errUncacheable.
func cacheKey(ctx context.Context, run goRunner, goBin, src string, env []string) (string, error) {
	h := sha256.New()
	writeItem(h, "format", []byte(cacheFormat))
	writeItem(h, "zipper", []byte(runtime.Version()))

	out, err := run(ctx, invocation{Bin: goBin, Dir: src, Env: env, Args: append([]string{"env"}, keyGoEnv...)})
	if err != nil {
		return "", fmt.Errorf("read go environment: %w", err)
	}
	writeItem(h, "goenv", out)
	writeItem(h, "flags", []byte(strings.Join(buildFlags, "\x00")))

	gomod, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("hash handler source: %w", err)
	}
	if hasLocalReplace(gomod) {
		return "", errUncacheable
	}
	writeItem(h, "go.mod", gomod)
	switch sum, err := os.ReadFile(filepath.Join(src, "go.sum")); {
	case err == nil:
		writeItem(h, "go.sum", sum)
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("hash handler source: %w", err)
	}

	files, err := sourceFiles(src, modulePathOf(gomod))
	if err != nil {
		return "", fmt.Errorf("hash handler source: %w", err)
	}
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
		if err != nil {
			return "", fmt.Errorf("hash handler source: %w", err)
		}
		writeItem(h, "file "+rel, data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeItem adds one named, length-prefixed item to h, so that no two
// different item lists hash alike.
func writeItem(h hash.Hash, name string, data []byte) {
	fmt.Fprintf(h, "%s %d\n", strconv.Quote(name), len(data))
	h.Write(data)
}

// sourceFiles returns, sorted and slash-separated relative to src, the files
// of cmd/handler and of every package of module modPath it imports directly
// or not, plus the vendor tree when there is one.
func sourceFiles(src, modPath string) ([]string, error) {
	seen := map[string]bool{}
	var files []string
	queue := []string{handlerDir}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		if seen[pkg] {
			continue
		}
		seen[pkg] = true
		pf, imports, err := packageFiles(src, pkg)
		if err != nil {
			return nil, err
		}
		files = append(files, pf...)
		for _, imp := range imports {
			if rel, ok := modulePackage(modPath, imp); ok && !seen[rel] {
				queue = append(queue, rel)
			}
		}
	}
	if fi, err := os.Stat(filepath.Join(src, "vendor")); err == nil && fi.IsDir() {
		vendored, err := treeFiles(src, "vendor")
		if err != nil {
			return nil, err
		}
		files = append(files, vendored...)
	}
	sort.Strings(files)
	return files, nil
}

// modulePackage returns the directory, relative to the module root and
// slash-separated, of the import path imp when it belongs to module modPath.
func modulePackage(modPath, imp string) (string, bool) {
	switch {
	case modPath == "":
		return "", false
	case imp == modPath:
		return ".", true
	}
	return strings.CutPrefix(imp, modPath+"/")
}

// packageFiles returns the files of the package in directory pkg (relative
// to src) that can reach the binary, and the paths it imports. Those files
// are its non-test .go files and its assembly, header and .syso files; when
// one of its .go files has a //go:embed directive, every file in the
// package's directory tree instead, since embed patterns can name any of
// them. A package directory that does not exist yields nothing: the build
// will report the missing import.
func packageFiles(src, pkg string) (files, imports []string, err error) {
	entries, err := os.ReadDir(filepath.Join(src, filepath.FromSlash(pkg)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	embeds := false
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		rel := path.Join(pkg, name)
		if !compiledFile(name) || !regularFile(src, rel, e) {
			continue
		}
		files = append(files, rel)
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
		if err != nil {
			return nil, nil, err
		}
		embeds = embeds || bytes.Contains(data, []byte("//go:embed"))
		// A file with syntax errors still yields the imports before them;
		// the build reports the error itself.
		f, _ := parser.ParseFile(fset, rel, data, parser.ImportsOnly)
		if f == nil {
			continue
		}
		for _, is := range f.Imports {
			if p, err := strconv.Unquote(is.Path.Value); err == nil {
				imports = append(imports, p)
			}
		}
	}
	if embeds {
		if files, err = treeFiles(src, pkg); err != nil {
			return nil, nil, err
		}
	}
	return files, imports, nil
}

// regularFile reports whether the directory entry e, at rel under src, is
// a regular file or a symbolic link to one (the go command follows those).
func regularFile(src, rel string, e fs.DirEntry) bool {
	if e.Type().IsRegular() {
		return true
	}
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(filepath.Join(src, filepath.FromSlash(rel)))
	return err == nil && fi.Mode().IsRegular()
}

// compiledFile reports whether a file named name in a package directory
// can become part of a CGO_ENABLED=0 build.
func compiledFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
		return false // the go command ignores these
	}
	switch path.Ext(name) {
	case ".go":
		return !strings.HasSuffix(name, "_test.go")
	case ".s", ".S", ".h", ".syso":
		return true
	}
	return false
}

// treeFiles returns every regular file under dir (relative to src), except
// test files and the trees of nested modules, slash-separated relative to
// src.
func treeFiles(src, dir string) ([]string, error) {
	var files []string
	root := filepath.Join(src, filepath.FromSlash(dir))
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	return files, err
}

// hasLocalReplace reports whether the go.mod text gomod replaces a module
// with a directory on disk, whose files the key would not cover.
func hasLocalReplace(gomod []byte) bool {
	inBlock := false
	for _, line := range strings.Split(string(gomod), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		var spec string
		switch {
		case inBlock && line == ")":
			inBlock = false
			continue
		case inBlock:
			spec = line
		default:
			rest, ok := strings.CutPrefix(line, "replace")
			if !ok || rest == "" || !strings.ContainsAny(rest[:1], " \t(") {
				continue
			}
			rest = strings.TrimSpace(rest)
			if rest == "(" {
				inBlock = true
				continue
			}
			spec = rest
		}
		_, target, ok := strings.Cut(spec, "=>")
		if !ok {
			continue
		}
		fields := strings.Fields(target)
		if len(fields) == 0 {
			continue
		}
		dir := fields[0]
		if unq, err := strconv.Unquote(dir); err == nil {
			dir = unq
		}
		if localDir(dir) {
			return true
		}
	}
	return false
}

// localDir reports whether a replacement target is a file system path
// rather than a module path (the rule of golang.org/x/mod/modfile).
func localDir(p string) bool {
	return p == "." || p == ".." ||
		strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") ||
		strings.HasPrefix(p, `.\`) || strings.HasPrefix(p, `..\`) ||
		strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`) || filepath.IsAbs(p)
}
