package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// cloneFiles is a minimal checkout of this module.
var cloneFiles = map[string]string{
	"go.mod":              "module " + ModulePath + " // the CLI\n\ngo 1.26.0\n",
	"cmd/handler/main.go": "package main\n\nfunc main() {}\n",
	"internal/x/x.go":     "package x\n",
}

func TestLocateSource_findsTheCloneAboveANestedDirectory(t *testing.T) {
	root := writeModule(t, cloneFiles)
	// A nested module of another path (a test fixture) must not stop the walk.
	writeFile(t, root, "internal/x/testdata/mod/go.mod", "module example.com/fixture\n")
	nested := filepath.Join(root, "internal", "x", "testdata", "mod")

	got, err := LocateSource(context.Background(), Options{WorkDir: nested})
	if err != nil {
		t.Fatal(err)
	}
	if got != root {
		t.Errorf("LocateSource = %s, want %s", got, root)
	}
}

func TestLocateSource_defaultsToTheCurrentDirectory(t *testing.T) {
	// The tests run in internal/build of this repository's clone.
	want, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	got, err := LocateSource(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("LocateSource from the current directory = %s, want %s", got, want)
	}
}

func TestLocateSource_prefersAnExplicitSourceDir(t *testing.T) {
	clone := writeModule(t, cloneFiles)
	other := writeModule(t, testModule)

	got, err := LocateSource(context.Background(), Options{SourceDir: other, WorkDir: clone})
	if err != nil {
		t.Fatal(err)
	}
	if got != other {
		t.Errorf("LocateSource = %s, want the explicit %s", got, other)
	}
}

func TestLocateSource_rejectsASourceDirWithoutTheHandler(t *testing.T) {
	src := writeModule(t, map[string]string{"go.mod": "module example.com/x\n"})

	_, err := LocateSource(context.Background(), Options{SourceDir: src})

	if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "check handler source "+src+": ") {
		t.Errorf("LocateSource = %v, want a not-exist error about %s", err, src)
	}
}

// fakeModuleGo answers `go env GOMODCACHE` with modCache and
// `go mod download` with download, recording both.
func fakeModuleGo(modCache string, download func() ([]byte, error)) *recorder {
	return &recorder{respond: func(inv invocation) ([]byte, error) {
		switch inv.name() {
		case "go env":
			return []byte(modCache + "\n"), nil
		case "go mod download":
			return download()
		}
		return nil, errors.New("unexpected " + inv.name())
	}}
}

// installed returns a build-information reader for a binary built from
// ModulePath at version.
func installed(version string) func() (*debug.BuildInfo, bool) {
	return func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: version}}, true
	}
}

// outsideAnyModule returns a directory with no go.mod of ModulePath above it.
func outsideAnyModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := findClone(dir); ok {
		t.Skipf("%s is inside a clone of %s", dir, ModulePath)
	}
	return dir
}

func TestLocateSource_fromAnInstalledBinary(t *testing.T) {
	noDownload := func() ([]byte, error) { return nil, errors.New("must not download") }
	goBin, err := findGo("")
	if err != nil {
		t.Skip(err)
	}

	t.Run("uses the module cache copy of its version, case-escaped", func(t *testing.T) {
		modCache := t.TempDir()
		want := filepath.Join(modCache, "github.com", "edasctl", "edasctl@v1.2.3-!r!c1")
		for rel, body := range cloneFiles {
			writeFile(t, want, rel, body)
		}
		rec := fakeModuleGo(modCache, noDownload)
		l := locator{goBin: goBin, run: rec.run, buildInfo: installed("v1.2.3-RC1")}

		got, err := l.locate(context.Background(), "", outsideAnyModule(t))

		if err != nil || got != want {
			t.Errorf("locate = %q, %v; want %s", got, err, want)
		}
		if rec.ran("go mod download") {
			t.Errorf("downloaded although the module cache had the version")
		}
	})

	t.Run("downloads its version when the module cache lacks it", func(t *testing.T) {
		downloaded := writeModule(t, cloneFiles)
		var args []string
		rec := fakeModuleGo(t.TempDir(), func() ([]byte, error) {
			return []byte(`{"Path":"` + ModulePath + `","Version":"v1.2.3","Dir":` + quoteJSON(downloaded) + `}`), nil
		})
		l := locator{goBin: goBin, run: rec.run, buildInfo: installed("v1.2.3")}

		got, err := l.locate(context.Background(), "", outsideAnyModule(t))

		if err != nil || got != downloaded {
			t.Errorf("locate = %q, %v; want %s", got, err, downloaded)
		}
		for _, c := range rec.calls {
			if c.name() == "go mod download" {
				args = c.Args
			}
		}
		if strings.Join(args, " ") != "mod download -json "+ModulePath+"@v1.2.3" {
			t.Errorf("download args = %q", args)
		}
	})

	t.Run("reports a failed download as missing source, with its cause", func(t *testing.T) {
		rec := fakeModuleGo(t.TempDir(), func() ([]byte, error) {
			return nil, &CommandError{
				Command: "go mod download",
				Output:  `{"Path":"` + ModulePath + `","Version":"v9.9.9","Error":"` + ModulePath + `@v9.9.9: reading proxy: 404 Not Found"}`,
				Err:     errors.New("exit status 1"),
			}
		})
		l := locator{goBin: goBin, run: rec.run, buildInfo: installed("v9.9.9")}

		_, err := l.locate(context.Background(), "", outsideAnyModule(t))

		want := "cannot find the edasctl source to build the handler (not in a clone, and go mod download " +
			ModulePath + "@v9.9.9 failed: " + ModulePath + "@v9.9.9: reading proxy: 404 Not Found); run from a clone, or pass --handler-zip FILE"
		if !errors.Is(err, ErrNoSource) || err.Error() != want {
			t.Errorf("locate = %v\nwant %s", err, want)
		}
	})

	t.Run("needs a go command to find the module cache", func(t *testing.T) {
		l := locator{goBin: filepath.Join(t.TempDir(), "go"), run: (&recorder{}).run, buildInfo: installed("v1.2.3")}

		_, err := l.locate(context.Background(), "", outsideAnyModule(t))

		if !errors.Is(err, ErrNoToolchain) {
			t.Errorf("locate = %v, want ErrNoToolchain", err)
		}
	})
}

func TestLocateSource_failsOutsideAClone(t *testing.T) {
	tests := []struct {
		name      string
		buildInfo func() (*debug.BuildInfo, bool)
	}{
		{"when the binary was built inside its module", noBuildInfo},
		{"when the binary is a dirty local build", installed("v0.3.1-0.20260101000000-abcdef123456+dirty")},
		{"when the binary has no build information", func() (*debug.BuildInfo, bool) { return nil, false }},
		{"when the binary belongs to another module", func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Path: "example.com/other", Version: "v1.0.0"}}, true
		}},
	}
	const want = "cannot find the edasctl source to build the handler (not in a clone, and the binary has no module version); " +
		"run from a clone, or pass --handler-zip FILE"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{respond: func(invocation) ([]byte, error) { return nil, errors.New("must not run go") }}
			l := locator{run: rec.run, buildInfo: tt.buildInfo}

			_, err := l.locate(context.Background(), "", outsideAnyModule(t))

			if !errors.Is(err, ErrNoSource) || err.Error() != want {
				t.Errorf("locate = %v, want %q", err, want)
			}
			if len(rec.calls) != 0 {
				t.Errorf("go ran %v, want nothing", rec.commands())
			}
		})
	}
}

func TestModulePathOf(t *testing.T) {
	tests := []struct {
		name, gomod, want string
	}{
		{"a plain module line", "module github.com/edasctl/edasctl\n\ngo 1.26\n", "github.com/edasctl/edasctl"},
		{"a line with a comment", "// header\nmodule github.com/edasctl/edasctl // cli\n", "github.com/edasctl/edasctl"},
		{"a quoted path", "module \"example.com/q\"\n", "example.com/q"},
		{"indentation and CRLF", "  module example.com/crlf\r\ngo 1.26\r\n", "example.com/crlf"},
		{"no module line", "go 1.26\n", ""},
		{"a word that only starts with module", "modules example.com/x\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := modulePathOf([]byte(tt.gomod)); got != tt.want {
				t.Errorf("modulePathOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// quoteJSON returns s as a JSON string.
func quoteJSON(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
