package build

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestPackage_twoBuildsOfTheSameSourceAreByteIdentical(t *testing.T) {
	// GIVEN two copies of a handler module in different directories, so
	// that a build path leaking into the binary would show, and no cache
	srcA := writeModule(t, testModule)
	srcB := writeModule(t, testModule)

	// WHEN each is packaged
	first, err := Package(context.Background(), Options{SourceDir: srcA, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Package(context.Background(), Options{SourceDir: srcB, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}

	// THEN the zips are identical, uncached, and hashed as Lambda does
	if !bytes.Equal(first.Zip, second.Zip) {
		t.Fatalf("two builds differ: CodeSha256 %s vs %s", first.CodeSha256, second.CodeSha256)
	}
	sum := sha256.Sum256(first.Zip)
	if want := base64.StdEncoding.EncodeToString(sum[:]); first.CodeSha256 != want {
		t.Errorf("CodeSha256 = %s, want %s", first.CodeSha256, want)
	}
	if first.Cached || first.Path != "" {
		t.Errorf("NoCache artifact: Cached = %v, Path = %q; want false, \"\"", first.Cached, first.Path)
	}
	assertLambdaZip(t, first.Zip)
}

// assertLambdaZip checks the layout every package must have: one entry,
// bootstrap, Deflate, mode 0755, the zip epoch as its time, no extra field.
func assertLambdaZip(t *testing.T, data []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 {
		t.Fatalf("zip has %d entries, want 1", len(zr.File))
	}
	f := zr.File[0]
	if f.Name != "bootstrap" || f.Method != zip.Deflate || f.Mode() != 0o755 || !f.Modified.Equal(zipTime) || len(f.Extra) != 0 {
		t.Errorf("entry = %s method %d mode %v time %v extra %d bytes; want bootstrap, Deflate, -rwxr-xr-x, %v, none",
			f.Name, f.Method, f.Mode(), f.Modified, len(f.Extra), zipTime)
	}
}

func TestPackage_buildsAStaticExecutableForEachTarget(t *testing.T) {
	src := writeModule(t, testModule)
	tests := []struct {
		name       string
		arch       string
		goos       string
		goarch     string
		machine    elf.Machine // checked when the target is linux
		wantStatic bool
	}{
		{"default is linux/arm64", "", "linux", "arm64", elf.EM_AARCH64, true},
		{"x86_64 is linux/amd64", ArchX86_64, "linux", "amd64", elf.EM_X86_64, true},
		{"host is the machine edasctl runs on", ArchHost, runtime.GOOS, runtime.GOARCH, hostMachine(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			art, err := Package(context.Background(), Options{SourceDir: src, Arch: tt.arch, NoCache: true})
			if err != nil {
				t.Fatal(err)
			}
			if art.GOOS != tt.goos || art.GOARCH != tt.goarch {
				t.Errorf("artifact target = %s/%s, want %s/%s", art.GOOS, art.GOARCH, tt.goos, tt.goarch)
			}
			info, err := Inspect(art.Zip)
			if err != nil {
				t.Fatal(err)
			}
			if tt.goos != "linux" {
				return // not ELF: nothing more that Inspect can tell
			}
			if !info.ELF || info.Machine != tt.machine || info.GOARCH != tt.goarch || info.Static != tt.wantStatic {
				t.Errorf("bootstrap: ELF %v machine %v GOARCH %q static %v; want ELF, %v, %q, static %v",
					info.ELF, info.Machine, info.GOARCH, info.Static, tt.machine, tt.goarch, tt.wantStatic)
			}
			if err := info.CheckArch(tt.arch); err != nil {
				t.Errorf("CheckArch(%q) = %v, want nil", tt.arch, err)
			}
		})
	}
}

// hostMachine returns the ELF machine of the host architecture, for the
// architectures CI and developers use.
func hostMachine() elf.Machine {
	if runtime.GOARCH == "arm64" {
		return elf.EM_AARCH64
	}
	return elf.EM_X86_64
}

func TestPackage_servesTheCacheUntilAnImportedSourceChanges(t *testing.T) {
	// GIVEN a handler module built once into an empty cache
	src := writeModule(t, testModule)
	cacheDir := t.TempDir()
	var log bytes.Buffer
	opts := Options{SourceDir: src, CacheDir: cacheDir, Log: &log}
	rec := &recorder{}
	first, err := testPackager(rec).pack(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || !rec.ran("go build") {
		t.Fatalf("first package: Cached = %v, go runs %v; want a build", first.Cached, rec.commands())
	}
	if first.Path == "" || filepath.Dir(first.Path) != cacheDir {
		t.Fatalf("first package Path = %q, want a file in %s", first.Path, cacheDir)
	}
	stored, err := os.ReadFile(first.Path)
	if err != nil || !bytes.Equal(stored, first.Zip) {
		t.Fatalf("cache file does not hold the zip (err %v)", err)
	}

	// WHEN nothing the handler imports changes (tests, unused packages, docs)
	writeFile(t, src, "internal/greet/greet_test.go", "package greet\n\n// edited\n")
	writeFile(t, src, "internal/unused/unused.go", "package unused\n\n// edited\n")
	writeFile(t, src, "README.md", "edited\n")
	rec = &recorder{}
	second, err := testPackager(rec).pack(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}

	// THEN the cached zip comes back and no compiler runs
	if !second.Cached || rec.ran("go build") {
		t.Fatalf("second package: Cached = %v, go runs %v; want a cache hit without go build", second.Cached, rec.commands())
	}
	if !bytes.Equal(second.Zip, first.Zip) || second.Path != first.Path || second.CodeSha256 != first.CodeSha256 {
		t.Errorf("cache hit returned a different artifact")
	}

	// WHEN a package the handler imports changes
	writeFile(t, src, "internal/greet/greet.go", "package greet\n\n// Hello greets.\nfunc Hello() string { return \"hi\" }\n")
	rec = &recorder{}
	third, err := testPackager(rec).pack(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}

	// THEN it is rebuilt into a new entry with a new hash
	if third.Cached || !rec.ran("go build") {
		t.Fatalf("third package: Cached = %v, go runs %v; want a rebuild", third.Cached, rec.commands())
	}
	if third.CodeSha256 == first.CodeSha256 || third.Path == first.Path {
		t.Errorf("rebuild after a source change kept CodeSha256 %s / Path %s", third.CodeSha256, third.Path)
	}
	got := lines(log.String())
	want := []string{
		"building handler for linux/arm64…",
		"using cached handler for linux/arm64 (" + first.Path + ")",
		"building handler for linux/arm64…",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPackage_cacheHitNeverStartsTheCompiler(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as the go command")
	}
	realGo, err := findGo("")
	if err != nil {
		t.Skip(err)
	}
	// GIVEN a zip cached by a real build
	src := writeModule(t, testModule)
	cacheDir := t.TempDir()
	built, err := Package(context.Background(), Options{SourceDir: src, CacheDir: cacheDir, GoBin: realGo})
	if err != nil {
		t.Fatal(err)
	}

	// WHEN the go command answers `go env` but fails anything else
	script := filepath.Join(t.TempDir(), "go")
	body := "#!/bin/sh\nif [ \"$1\" = env ]; then exec '" + realGo + "' \"$@\"; fi\necho \"go $1 must not run\" >&2\nexit 3\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	cached, err := Package(context.Background(), Options{SourceDir: src, CacheDir: cacheDir, GoBin: script})

	// THEN Package still succeeds, from the cache
	if err != nil {
		t.Fatalf("Package with a go that cannot build = %v, want the cached zip", err)
	}
	if !cached.Cached || !bytes.Equal(cached.Zip, built.Zip) {
		t.Errorf("Cached = %v, same zip = %v; want a hit with the built zip", cached.Cached, bytes.Equal(cached.Zip, built.Zip))
	}
}

func TestPackage_reportsTheCompilerOutputWhenTheBuildFails(t *testing.T) {
	files := map[string]string{
		"go.mod":              testModule["go.mod"],
		"cmd/handler/main.go": "package main\n\nfunc main() { undefinedThing() }\n",
	}
	src := writeModule(t, files)

	_, err := Package(context.Background(), Options{SourceDir: src, NoCache: true})

	var ce *CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("Package = %v, want a *CommandError", err)
	}
	if ce.Command != "go build" || !strings.Contains(ce.Output, "undefined: undefinedThing") {
		t.Errorf("CommandError = %q / %q, want go build with the compiler's message", ce.Command, ce.Output)
	}
	if !strings.HasPrefix(err.Error(), "build handler for linux/arm64: go build: exit status 1\n") {
		t.Errorf("error = %q", err)
	}
}

func TestPackage_failsBeforeBuildingWhen(t *testing.T) {
	src := writeModule(t, testModule)
	tests := []struct {
		name    string
		opts    Options
		wantIs  error
		wantMsg string
	}{
		{
			name:    "the architecture is unknown",
			opts:    Options{SourceDir: src, Arch: "amd64", NoCache: true},
			wantMsg: `unsupported handler architecture "amd64" (want arm64, x86_64 or host)`,
		},
		{
			name:    "the go command does not exist",
			opts:    Options{SourceDir: src, GoBin: filepath.Join(t.TempDir(), "go"), NoCache: true},
			wantIs:  ErrNoToolchain,
			wantMsg: "no Go toolchain found to build the handler; install Go 1.26+ or pass --handler-zip FILE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			_, err := testPackager(rec).pack(context.Background(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Package = %v, want an error containing %q", err, tt.wantMsg)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
			if len(rec.calls) != 0 {
				t.Errorf("go ran %v, want nothing", rec.commands())
			}
		})
	}
}

func TestPackage_buildsTheHandlerOfThisRepository(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "handler", "main.go")); err != nil {
		t.Skip("cmd/handler/main.go does not exist yet")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}

	art, err := Package(context.Background(), Options{SourceDir: root, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}

	assertLambdaZip(t, art.Zip)
	info, err := Inspect(art.Zip)
	if err != nil {
		t.Fatal(err)
	}
	if !info.ELF || info.Machine != elf.EM_AARCH64 || !info.Static {
		t.Errorf("bootstrap: ELF %v machine %v static %v; want a static EM_AARCH64 ELF", info.ELF, info.Machine, info.Static)
	}
}

// BenchmarkPackage_cacheHitOnThisRepository measures what `edasctl up`
// pays for an unchanged handler: locating the clone, `go env`, hashing the
// handler's packages and reading the cached zip. It should stay well under
// 100 ms.
func BenchmarkPackage_cacheHitOnThisRepository(b *testing.B) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "handler", "main.go")); err != nil {
		b.Skip("cmd/handler/main.go does not exist yet")
	}
	opts := Options{CacheDir: b.TempDir()}
	if _, err := Package(context.Background(), opts); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		art, err := Package(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if !art.Cached {
			b.Fatal("cache miss")
		}
	}
}
