package build

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// maxCacheEntries is how many zips a cache directory keeps; the least
// recently used beyond it are removed after each store. A few MB each,
// enough for every target of the current source and some history.
const maxCacheEntries = 8

// staleTempAge is how old a leftover temporary file (from a process killed
// mid-write) must be before prune removes it; younger ones may be in use.
const staleTempAge = time.Hour

// A cache is a directory of finished handler zips, one file <key>.zip per
// cache key. Writes go to a temporary file renamed into place, so a reader
// sees a whole zip or none, and several edasctl processes may share the
// directory.
type cache struct{ dir string }

// defaultCacheDir returns os.UserCacheDir()/edasctl/handler.
func defaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find cache directory: %w", err)
	}
	return filepath.Join(base, "edasctl", "handler"), nil
}

func (c cache) path(key string) string { return filepath.Join(c.dir, key+".zip") }

// load returns the zip stored under key. ok is false when there is none,
// or when the file is not a zip with a bootstrap entry (it is then rebuilt
// and overwritten). A hit refreshes the file's modification time, which
// prune reads as its last use.
func (c cache) load(key string) (data []byte, ok bool) {
	p := c.path(key)
	data, err := os.ReadFile(p)
	if err != nil || !hasBootstrap(data) {
		return nil, false
	}
	now := time.Now()
	_ = os.Chtimes(p, now, now) // best effort: only affects pruning order
	return data, true
}

// hasBootstrap reports whether data opens as a zip whose only entry is
// bootstrap. It reads the central directory only, which is cheap.
func hasBootstrap(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	return err == nil && len(zr.File) == 1 && zr.File[0].Name == BootstrapName
}

// store writes data under key atomically and returns the file's path.
func (c cache) store(key string, data []byte) (string, error) {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return "", fmt.Errorf("store handler zip: %w", err)
	}
	f, err := os.CreateTemp(c.dir, key+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("store handler zip: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	p := c.path(key)
	if werr == nil {
		werr = os.Rename(tmp, p)
	}
	if werr != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("store handler zip: %w", werr)
	}
	return p, nil
}

// prune removes all but the maxCacheEntries most recently used zips, and
// temporary files older than staleTempAge. It is best effort: a file that
// another process removed or holds open is skipped.
func (c cache) prune() {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	type entry struct {
		path string
		mod  time.Time
	}
	var zips []entry
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		p := filepath.Join(c.dir, e.Name())
		switch {
		case strings.HasSuffix(e.Name(), ".zip"):
			zips = append(zips, entry{p, info.ModTime()})
		case strings.HasSuffix(e.Name(), ".tmp") && time.Since(info.ModTime()) > staleTempAge:
			os.Remove(p)
		}
	}
	sort.Slice(zips, func(i, j int) bool { return zips[i].mod.After(zips[j].mod) })
	for i := maxCacheEntries; i < len(zips); i++ {
		os.Remove(zips[i].path)
	}
}
