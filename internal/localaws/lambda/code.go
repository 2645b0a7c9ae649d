package lambda

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxZip is the largest deployment package accepted as ZipFile: 50 MB
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const maxZip = 50 << 20

// A codeStore keeps deployment packages under dir: code/<hex sha256>.zip
// and their unzipped trees task/<hex sha256>/. Names come from the digest
// only, never from a function's name or a zip entry. It is safe for
// concurrent use: writes are atomic renames of complete files.
type codeStore struct {
	dir string
}

// digest returns the zip's SHA-256 as Lambda reports it (base64) and as
// the store names it (hex).
func digest(zipData []byte) (b64, hexSum string) {
	sum := sha256.Sum256(zipData)
	return base64.StdEncoding.EncodeToString(sum[:]), hex.EncodeToString(sum[:])
}

func (c codeStore) zipPath(hexSum string) string  { return filepath.Join(c.dir, "code", hexSum+".zip") }
func (c codeStore) taskPath(hexSum string) string { return filepath.Join(c.dir, "task", hexSum) }

// put validates zipData and stores it durably (written, synced, renamed)
// along with its unzipped tree. A zip that cannot be read or that would
// write outside its directory is InvalidParameterValueException.
func (c codeStore) put(zipData []byte) (hexSum string, err error) {
	if len(zipData) == 0 {
		return "", invalidParameter(couldNotUnzip)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		return "", invalidParameter(couldNotUnzip)
	}
	if err := checkEntries(zr); err != nil {
		return "", err
	}
	_, hexSum = digest(zipData)
	if _, err := os.Stat(c.zipPath(hexSum)); err != nil {
		if err := writeFileAtomic(c.zipPath(hexSum), zipData); err != nil {
			return "", fmt.Errorf("store deployment package: %w", err)
		}
	}
	if err := c.extract(hexSum); err != nil {
		return "", err
	}
	return hexSum, nil
}

// checkEntries refuses entries that would escape the task directory
// ("zip slip": absolute names, .. elements, backslashes), symbolic links
// that point outside it, and trees larger than Lambda's unzipped limit.
func checkEntries(zr *zip.Reader) error {
	var total uint64
	for _, f := range zr.File {
		if !safeEntryName(f.Name) {
			return invalidParameter("%s The entry %q is outside the package's directory.", couldNotUnzip, f.Name)
		}
		total += f.UncompressedSize64
		if total > maxUnzippedSize {
			return invalidParameter("Unzipped size must be smaller than %d bytes", maxUnzippedSize)
		}
	}
	return nil
}

// safeEntryName reports whether name stays inside the directory it is
// extracted to.
func safeEntryName(name string) bool {
	if name == "" || strings.ContainsAny(name, "\\\x00") || path.IsAbs(name) || filepath.IsAbs(name) || filepath.VolumeName(name) != "" {
		return false
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return false
		}
	}
	return true
}

// extract unzips the stored package into its task directory, unless that
// exists already. The tree is built in a temporary directory and renamed
// into place, so a task directory is always complete.
func (c codeStore) extract(hexSum string) error {
	dst := c.taskPath(hexSum)
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	data, err := os.ReadFile(c.zipPath(hexSum))
	if err != nil {
		return fmt.Errorf("read deployment package: %w", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return invalidParameter(couldNotUnzip)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("extract deployment package: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), ".extract-")
	if err != nil {
		return fmt.Errorf("extract deployment package: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := unzipInto(zr, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		if _, statErr := os.Stat(dst); statErr == nil {
			return nil // extracted concurrently
		}
		return fmt.Errorf("extract deployment package: %w", err)
	}
	return nil
}

// unzipInto writes the entries of zr under dir. Regular files keep their
// permission bits (the bootstrap's executable bit); symbolic links are
// created last, and only when their target stays inside dir, so that no
// file is ever written through one.
func unzipInto(zr *zip.Reader, dir string) error {
	type link struct{ name, target string }
	var links []link
	var written uint64
	for _, f := range zr.File {
		if !safeEntryName(f.Name) {
			return invalidParameter(couldNotUnzip)
		}
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("extract %s: %w", f.Name, err)
			}
		case mode&os.ModeSymlink != 0:
			dest, err := readSmall(f, 4096)
			if err != nil {
				return invalidParameter(couldNotUnzip)
			}
			links = append(links, link{f.Name, string(dest)})
		case mode.IsRegular():
			n, err := writeEntry(f, target, maxUnzippedSize-written)
			if err != nil {
				return err
			}
			written += n
		}
	}
	for _, l := range links {
		resolved := path.Join(path.Dir(l.name), l.target)
		if path.IsAbs(l.target) || resolved == ".." || strings.HasPrefix(resolved, "../") {
			return invalidParameter("%s The link %q points outside the package's directory.", couldNotUnzip, l.name)
		}
		p := filepath.Join(dir, filepath.FromSlash(l.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("extract %s: %w", l.name, err)
		}
		if err := os.Symlink(l.target, p); err != nil {
			return fmt.Errorf("extract %s: %w", l.name, err)
		}
	}
	return nil
}

// writeEntry writes one regular file of at most limit bytes.
func writeEntry(f *zip.File, target string, limit uint64) (uint64, error) {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return 0, fmt.Errorf("extract %s: %w", f.Name, err)
	}
	rc, err := f.Open()
	if err != nil {
		return 0, invalidParameter(couldNotUnzip)
	}
	defer rc.Close()
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.Mode().Perm()|0o400)
	if errors.Is(err, os.ErrExist) {
		return 0, invalidParameter("%s The entry %q appears twice.", couldNotUnzip, f.Name)
	}
	if err != nil {
		return 0, fmt.Errorf("extract %s: %w", f.Name, err)
	}
	n, err := io.Copy(out, io.LimitReader(rc, int64(limit)+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil && errors.Is(err, zip.ErrChecksum), err != nil && errors.Is(err, zip.ErrFormat):
		return 0, invalidParameter(couldNotUnzip)
	case err != nil:
		return 0, fmt.Errorf("extract %s: %w", f.Name, err)
	case uint64(n) > limit:
		return 0, invalidParameter("Unzipped size must be smaller than %d bytes", maxUnzippedSize)
	}
	return uint64(n), nil
}

func readSmall(f *zip.File, max int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, max))
}

// writeFileAtomic writes data to path through a synced temporary file and
// a rename, so that path is either absent or complete after a crash.
func writeFileAtomic(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(p)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// collect removes the packages and trees no function refers to any more.
func (c codeStore) collect(inUse map[string]bool) {
	if entries, err := os.ReadDir(filepath.Join(c.dir, "code")); err == nil {
		for _, e := range entries {
			if h, ok := strings.CutSuffix(e.Name(), ".zip"); ok && !inUse[h] {
				os.Remove(filepath.Join(c.dir, "code", e.Name()))
			}
		}
	}
	if entries, err := os.ReadDir(filepath.Join(c.dir, "task")); err == nil {
		for _, e := range entries {
			if !inUse[e.Name()] {
				os.RemoveAll(filepath.Join(c.dir, "task", e.Name()))
			}
		}
	}
}
