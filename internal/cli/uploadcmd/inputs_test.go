package uploadcmd

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
)

// tree makes files (relative paths) with one byte each under a new
// directory and returns it.
func tree(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(f)), []byte("x"))
	}
	return dir
}

func names(srcs []source) []string {
	out := []string{}
	for _, s := range srcs {
		out = append(out, s.Name)
	}
	return out
}

func TestCollectNamesWalkedFilesByTheirPathInTheDirectory(t *testing.T) {
	dir := tree(t, "a.jpg", "sub/deep/b.png", ".hidden", ".DS_Store", "._a.jpg", "sub/Thumbs.db", ".Trashes/x", "desktop.ini")
	srcs, notes, err := collect([]string{dir}, collectOptions{Recursive: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".hidden", "a.jpg", "sub/deep/b.png"}
	if got := names(srcs); !reflect.DeepEqual(got, want) {
		t.Fatalf("names %v, want %v (hidden files kept, OS clutter skipped)", got, want)
	}
	if len(notes) != 0 {
		t.Fatalf("notes %v, want none", notes)
	}
}

func TestCollectFollowsOnlyLinksToFilesInsideTheTree(t *testing.T) {
	dir := tree(t, "real.txt", "sub/x.txt")
	outside := filepath.Join(t.TempDir(), "secret.txt")
	writeFile(t, outside, []byte("s"))
	for link, target := range map[string]string{
		"inside.txt":  filepath.Join(dir, "real.txt"),
		"outside.txt": outside,
		"subdir":      filepath.Join(dir, "sub"),
		"broken":      filepath.Join(dir, "nothing"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("symbolic links unavailable: %v", err)
		}
	}
	srcs, notes, err := collect([]string{dir}, collectOptions{Recursive: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(srcs), []string{"inside.txt", "real.txt", "sub/x.txt"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("names %v, want %v", got, want)
	}
	want := []string{
		"skipped " + filepath.Join(dir, "broken") + ": broken symbolic link",
		"skipped " + filepath.Join(dir, "outside.txt") + ": symbolic link leaves the directory",
		"skipped " + filepath.Join(dir, "subdir") + ": symbolic link to a directory",
	}
	if !reflect.DeepEqual(notes, want) {
		t.Fatalf("notes\n%q\nwant\n%q", notes, want)
	}
}

func TestCollectWalksADirectoryGivenAsASymbolicLink(t *testing.T) {
	dir := tree(t, "a.txt", "sub/b.txt")
	link := filepath.Join(t.TempDir(), "photos")
	if err := os.Symlink(dir, link); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}
	srcs, _, err := collect([]string{link}, collectOptions{Recursive: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []source{{Path: filepath.Join(link, "a.txt"), Name: "a.txt", Size: 1}, {Path: filepath.Join(link, "sub", "b.txt"), Name: "sub/b.txt", Size: 1}}
	if !reflect.DeepEqual(srcs, want) {
		t.Fatalf("sources %+v, want %+v", srcs, want)
	}
}

func TestCollectRefusesBadArguments(t *testing.T) {
	dir := tree(t, "a.txt", "b/a.txt", "c/a.txt")
	file := filepath.Join(dir, "a.txt")
	tests := []struct {
		name  string
		args  []string
		opts  collectOptions
		usage bool // a *cmdutil.UsageError, else a *cmdutil.FlagError
		want  string
	}{
		{"a directory without --recursive says to add it", []string{dir}, collectOptions{}, true,
			dir + " is a directory: add --recursive to upload its files"},
		{"a missing file is named", []string{file, filepath.Join(dir, "nope.jpg")}, collectOptions{}, true,
			"cannot upload " + filepath.Join(dir, "nope.jpg") + ": no such file or directory"},
		{"standard input needs --key", []string{"-"}, collectOptions{}, false,
			"uploading standard input (-) needs --key NAME"},
		{"--key takes one argument", []string{file, "-"}, collectOptions{Key: "k"}, false,
			"--key names a single object: give one FILE or -, not 2 arguments"},
		{"--key must not name a folder", []string{file}, collectOptions{Key: "dir/"}, false,
			`invalid --key "dir/": a name ending in / is a folder, not an object`},
		{"--key does not apply to a directory", []string{dir}, collectOptions{Key: "k", Recursive: true}, false,
			"--key names a single object; " + dir + " is a directory (use --prefix)"},
		{"two files with one name would overwrite each other", []string{filepath.Join(dir, "b", "a.txt"), filepath.Join(dir, "c", "a.txt")}, collectOptions{}, true,
			filepath.Join(dir, "b", "a.txt") + " and " + filepath.Join(dir, "c", "a.txt") + " would both be uploaded as a.txt"},
		{"no argument at all", nil, collectOptions{}, false,
			"upload needs at least one FILE, DIR or - (standard input)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := collect(tt.args, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			var usage *cmdutil.UsageError
			var flag *cmdutil.FlagError
			if tt.usage && !errors.As(err, &usage) || !tt.usage && !errors.As(err, &flag) {
				t.Fatalf("err is %T, want usage=%v", err, tt.usage)
			}
		})
	}
}

func TestCollectRefusesAnUnreadableFileBeforeAnyUpload(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	dir := tree(t, "ok.txt", "locked.txt")
	locked := filepath.Join(dir, "locked.txt")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	_, _, err := collect([]string{dir}, collectOptions{Recursive: true})
	if err == nil || err.Error() != "cannot upload "+locked+": permission denied" {
		t.Fatalf("err = %v, want it to name %s", err, locked)
	}
}

func TestCollectNamesFilesAndStdin(t *testing.T) {
	dir := tree(t, "x/cat.jpg")
	tests := []struct {
		name string
		args []string
		opts collectOptions
		want []source
	}{
		{"a file is named by its base name", []string{filepath.Join(dir, "x", "cat.jpg")}, collectOptions{},
			[]source{{Path: filepath.Join(dir, "x", "cat.jpg"), Name: "cat.jpg", Size: 1}}},
		{"--key renames a single file", []string{filepath.Join(dir, "x", "cat.jpg")}, collectOptions{Key: "pets/tom.jpg"},
			[]source{{Path: filepath.Join(dir, "x", "cat.jpg"), Name: "pets/tom.jpg", Size: 1}}},
		{"standard input takes --key and has no known size", []string{"-"}, collectOptions{Key: "piped"},
			[]source{{Path: "-", Name: "piped", Size: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := collect(tt.args, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestKeyPrefixAddsACleanSubPrefix(t *testing.T) {
	tests := map[string]string{
		"":             "uploads/",
		"2024":         "uploads/2024/",
		"/2024/trip/":  "uploads/2024/trip/",
		"a//b/../c":    "uploads/a/c/",
		"../../escape": "uploads/escape/",
	}
	for sub, want := range tests {
		if got := keyPrefix("uploads/", sub); got != want {
			t.Errorf("keyPrefix(uploads/, %q) = %q, want %q", sub, got, want)
		}
	}
}
