package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCache_loadMissesAFileThatIsNotAHandlerZip(t *testing.T) {
	c := cache{dir: t.TempDir()}
	tests := []struct {
		name string
		data []byte
	}{
		{"a truncated file", []byte("PK\x03\x04 truncated")},
		{"a zip without bootstrap", makeZip(t, zipEntry{"main", 0o755, "x"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(c.path("k"), tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, ok := c.load("k"); ok {
				t.Error("load = hit, want a miss")
			}
		})
	}
}

func TestCache_storeReplacesAndLoadReturnsTheZip(t *testing.T) {
	c := cache{dir: filepath.Join(t.TempDir(), "new", "dir")}
	old := makeZip(t, zipEntry{"bootstrap", 0o755, "old"})
	fresh := makeZip(t, zipEntry{"bootstrap", 0o755, "new"})

	if _, err := c.store("k", old); err != nil {
		t.Fatal(err)
	}
	p, err := c.store("k", fresh)
	if err != nil {
		t.Fatal(err)
	}

	got, ok := c.load("k")
	if !ok || !bytes.Equal(got, fresh) || p != c.path("k") {
		t.Errorf("load = %v (hit %v), path %s; want the second zip at %s", len(got), ok, p, c.path("k"))
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("cache holds %d files, want only k.zip (no temporary file left)", len(entries))
	}
}

func TestCache_pruneKeepsTheMostRecentlyUsed(t *testing.T) {
	c := cache{dir: t.TempDir()}
	base := time.Now().Add(-24 * time.Hour)
	for i := range maxCacheEntries + 3 {
		p := c.path(fmt.Sprintf("k%02d", i))
		if err := os.WriteFile(p, []byte("zip"), 0o644); err != nil {
			t.Fatal(err)
		}
		at := base.Add(time.Duration(i) * time.Minute) // k00 is the oldest
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	staleTmp := filepath.Join(c.dir, "k99.123.tmp")
	freshTmp := filepath.Join(c.dir, "k98.456.tmp")
	for _, p := range []string{staleTmp, freshTmp} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(staleTmp, base, base); err != nil {
		t.Fatal(err)
	}

	c.prune()

	var left []string
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := "k03.zip k04.zip k05.zip k06.zip k07.zip k08.zip k09.zip k10.zip k98.456.tmp"
	if got := strings.Join(left, " "); got != want {
		t.Errorf("after prune: %s\nwant %s", got, want)
	}
}

func TestPackage_buildsWithoutCachingWhen(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(t *testing.T, src string) // may be nil
		cache   func(t *testing.T) string
		wantLog string
	}{
		{
			name: "the cache directory is unusable",
			cache: func(t *testing.T) string {
				file := filepath.Join(t.TempDir(), "file")
				if err := os.WriteFile(file, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				return file
			},
			wantLog: "not caching the handler: store handler zip: mkdir ",
		},
		{
			name: "go.mod replaces a module with a local directory",
			edit: func(t *testing.T, src string) {
				writeFile(t, src, "go.mod", testModule["go.mod"]+"\nreplace example.org/x => ../x\n")
			},
			cache:   func(t *testing.T) string { return t.TempDir() },
			wantLog: "not caching the handler: go.mod replaces a module with a local directory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := writeModule(t, testModule)
			if tt.edit != nil {
				tt.edit(t, src)
			}
			var log bytes.Buffer

			art, err := Package(context.Background(), Options{SourceDir: src, CacheDir: tt.cache(t), Log: &log})

			if err != nil {
				t.Fatal(err)
			}
			if art.Path != "" || art.Cached || len(art.Zip) == 0 {
				t.Errorf("artifact Path %q Cached %v, %d bytes; want a built zip outside the cache", art.Path, art.Cached, len(art.Zip))
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log = %q, want it to contain %q", log.String(), tt.wantLog)
			}
		})
	}
}

func TestTail_keepsTheLastLinesOfLongOutput(t *testing.T) {
	short := "a\nb\n\n"
	if got := tail([]byte(short)); got != "a\nb" {
		t.Errorf("tail(short) = %q, want %q", got, "a\nb")
	}
	var long strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&long, "line %d\n", i)
	}
	got := tail([]byte(long.String()))
	if !strings.HasPrefix(got, "…\nline ") || !strings.HasSuffix(got, "\nline 1999") || len(got) > outputTailBytes+len("…\n") {
		t.Errorf("tail(long) = %d bytes starting %q", len(got), got[:20])
	}
}
