package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// keyOf returns the cache key of the module at src for linux/arm64.
func keyOf(t *testing.T, src string, env []string) string {
	t.Helper()
	goBin, err := findGo("")
	if err != nil {
		t.Skip(err)
	}
	key, err := cacheKey(context.Background(), execGo, goBin, src, env)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestCacheKey(t *testing.T) {
	arm64 := buildEnv("linux", "arm64")
	tests := []struct {
		name        string
		edit        func(t *testing.T, src string)
		env         []string
		wantChanged bool
	}{
		{
			name: "changes when the handler's own source changes",
			edit: func(t *testing.T, src string) {
				writeFile(t, src, "cmd/handler/main.go", "package main\n\nfunc main() {}\n")
			},
			wantChanged: true,
		},
		{
			name: "changes when a package the handler imports changes",
			edit: func(t *testing.T, src string) {
				writeFile(t, src, "internal/greet/greet.go", "package greet\n\nfunc Hello() string { return \"hi\" }\n")
			},
			wantChanged: true,
		},
		{
			name:        "changes when a file is added to an imported package",
			edit:        func(t *testing.T, src string) { writeFile(t, src, "internal/greet/extra.go", "package greet\n") },
			wantChanged: true,
		},
		{
			name:        "changes when an imported package gains assembly",
			edit:        func(t *testing.T, src string) { writeFile(t, src, "internal/greet/fast_arm64.s", "// asm\n") },
			wantChanged: true,
		},
		{
			name: "changes when a file an imported package embeds changes",
			edit: func(t *testing.T, src string) {
				writeFile(t, src, "internal/greet/embed.go", "package greet\n\nimport _ \"embed\"\n\n//go:embed data/msg.txt\nvar msg string\n")
				writeFile(t, src, "internal/greet/data/msg.txt", "one\n")
			},
			wantChanged: true,
		},
		{
			name: "changes when go.mod changes",
			edit: func(t *testing.T, src string) {
				writeFile(t, src, "go.mod", "module "+testModulePath+"\n\ngo 1.26.0\n")
			},
			wantChanged: true,
		},
		{
			name:        "changes when go.sum appears",
			edit:        func(t *testing.T, src string) { writeFile(t, src, "go.sum", "example.org/x v1.0.0 h1:abc=\n") },
			wantChanged: true,
		},
		{
			name:        "changes with the target architecture",
			edit:        func(*testing.T, string) {},
			env:         buildEnv("linux", "amd64"),
			wantChanged: true,
		},
		{
			name:        "changes with GOEXPERIMENT, which the build inherits",
			edit:        func(*testing.T, string) {},
			env:         append(buildEnv("linux", "arm64"), "GOEXPERIMENT=jsonv2"),
			wantChanged: true,
		},
		{
			name: "stays when only test files change",
			edit: func(t *testing.T, src string) {
				writeFile(t, src, "cmd/handler/main_test.go", "package main\n\n// edited\n")
				writeFile(t, src, "internal/greet/greet_test.go", "package greet\n\n// edited\n")
			},
		},
		{
			name: "stays when a package the handler does not import changes",
			edit: func(t *testing.T, src string) {
				writeFile(t, src, "internal/unused/unused.go", "package unused\n\n// edited\n")
			},
		},
		{
			name: "stays when a non-source file changes",
			edit: func(t *testing.T, src string) { writeFile(t, src, "README.md", "edited\n") },
		},
		{
			name:        "stays when a user GOFLAGS is set, since the build overrides it",
			edit:        func(*testing.T, string) {},
			env:         append([]string{"GOFLAGS=-tags=other"}, buildEnv("linux", "arm64")...),
			wantChanged: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := writeModule(t, testModule)
			before := keyOf(t, src, arm64)
			if again := keyOf(t, src, arm64); again != before {
				t.Fatalf("key of unchanged source changed: %s, %s", before, again)
			}
			tt.edit(t, src)
			env := tt.env
			if env == nil {
				env = arm64
			}
			after := keyOf(t, src, env)
			if changed := after != before; changed != tt.wantChanged {
				t.Errorf("key changed = %v, want %v", changed, tt.wantChanged)
			}
		})
	}
}

func TestCacheKey_refusesAModuleWithALocalReplace(t *testing.T) {
	src := writeModule(t, testModule)
	writeFile(t, src, "go.mod", "module "+testModulePath+"\n\ngo 1.26\n\nreplace example.org/x => ../x\n")
	goBin, err := findGo("")
	if err != nil {
		t.Skip(err)
	}

	_, err = cacheKey(context.Background(), execGo, goBin, src, buildEnv("linux", "arm64"))

	if !errors.Is(err, errUncacheable) {
		t.Errorf("cacheKey = %v, want errUncacheable", err)
	}
}

func TestHasLocalReplace(t *testing.T) {
	tests := []struct {
		name  string
		gomod string
		want  bool
	}{
		{"no replace", "module m\n\ngo 1.26\n", false},
		{"a module replacement", "module m\nreplace a.org/x => b.org/x v1.2.0\n", false},
		{"a relative directory", "module m\nreplace a.org/x => ../x\n", true},
		{"a versioned module with a relative directory", "module m\nreplace a.org/x v1.0.0 => ./x\n", true},
		{"an absolute directory", "module m\nreplace a.org/x => /src/x\n", true},
		{"a quoted directory", "module m\nreplace a.org/x => \"./x\"\n", true},
		{"a directory inside a replace block", "module m\nreplace (\n\ta.org/y => b.org/y v1.0.0\n\ta.org/x => ../x // local\n)\n", true},
		{"only module replacements in a block", "module m\nreplace (\n\ta.org/y => b.org/y v1.0.0\n)\nrequire a.org/z v1.0.0\n", false},
		{"a commented-out directory", "module m\n// replace a.org/x => ../x\n", false},
		{"a require line that mentions replace", "module m\nrequire replacement.org/x v1.0.0\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hasLocalReplace([]byte(tt.gomod)); got != tt.want {
				t.Errorf("hasLocalReplace = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSourceFiles_followsImportsWithinTheModuleOnly(t *testing.T) {
	src := writeModule(t, testModule)
	writeFile(t, src, "internal/greet/greet.go", "package greet\n\nimport (\n\t\"strings\"\n\n\t\""+testModulePath+"/internal/deep\"\n)\n\nfunc Hello() string { return strings.ToLower(deep.X) }\n")
	writeFile(t, src, "internal/deep/deep.go", "package deep\n\nconst X = \"x\"\n")
	writeFile(t, src, "internal/deep/testdata/big.bin", "fixture")
	if err := os.WriteFile(filepath.Join(src, "internal", "deep", ".hidden.go"), []byte("package deep\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	got, err := sourceFiles(src, testModulePath)
	if err != nil {
		t.Fatal(err)
	}

	want := []string{"cmd/handler/main.go", "internal/deep/deep.go", "internal/greet/greet.go"}
	if len(got) != len(want) {
		t.Fatalf("sourceFiles = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sourceFiles = %q, want %q", got, want)
		}
	}
}
