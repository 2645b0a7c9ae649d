package uploadcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
)

// stdinArg is the argument that means "read the object from standard input".
const stdinArg = "-"

// A source is one object to upload: a local file, or standard input.
type source struct {
	// Path is the local path as the user would recognise it, or "-".
	Path string
	// Name is the object name below the input prefix and --prefix, with "/"
	// separators on every OS: the base name of a file argument, the path
	// relative to the directory argument for a walked file, or --key.
	Name string
	// Size is the file size, or -1 for standard input.
	Size int64
}

// stdin reports whether s reads standard input.
func (s source) stdin() bool { return s.Path == stdinArg }

// collectOptions are the flags that decide how arguments become sources.
type collectOptions struct {
	Key       string // --key: the name of the single file or of stdin
	Recursive bool   // --recursive: walk directory arguments
}

// collect turns the arguments into sources, checking every one before
// anything is uploaded: each file must exist and open for reading, a
// directory needs --recursive, "-" needs --key and may appear once, --key
// allows a single file or "-", and no two sources may map to the same name.
// Errors are *cmdutil.UsageError or *cmdutil.FlagError naming the culprit.
// The notes say what a walk skipped and why.
//
// Directory walks take every file, hidden ones included, except the
// operating systems' own clutter (see junk). A symbolic link is followed
// when it names a regular file inside the walked tree; links to directories
// (which could loop) and links leaving the tree are skipped with a note, as
// are sockets, devices and pipes.
func collect(args []string, o collectOptions) (srcs []source, notes []string, err error) {
	if len(args) == 0 {
		return nil, nil, cmdutil.FlagErrorf("upload needs at least one FILE, DIR or - (standard input)")
	}
	if o.Key != "" {
		if len(args) != 1 {
			return nil, nil, cmdutil.FlagErrorf("--key names a single object: give one FILE or -, not %d arguments", len(args))
		}
		if err := checkName(o.Key); err != nil {
			return nil, nil, cmdutil.FlagErrorf("invalid --key %q: %v", o.Key, err)
		}
	}
	stdinSeen := false
	for _, arg := range args {
		if arg == stdinArg {
			if stdinSeen {
				return nil, nil, cmdutil.FlagErrorf("standard input (-) can be uploaded only once")
			}
			if o.Key == "" {
				return nil, nil, cmdutil.FlagErrorf("uploading standard input (-) needs --key NAME")
			}
			stdinSeen = true
			srcs = append(srcs, source{Path: stdinArg, Name: o.Key, Size: -1})
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			return nil, nil, &cmdutil.UsageError{Err: fmt.Errorf("cannot upload %s: %w", arg, unwrapPath(err))}
		}
		if info.IsDir() {
			if !o.Recursive {
				return nil, nil, &cmdutil.UsageError{Err: fmt.Errorf("%s is a directory: add --recursive to upload its files", arg)}
			}
			if o.Key != "" {
				return nil, nil, cmdutil.FlagErrorf("--key names a single object; %s is a directory (use --prefix)", arg)
			}
			walked, skipped, err := walk(arg)
			if err != nil {
				return nil, nil, err
			}
			srcs, notes = append(srcs, walked...), append(notes, skipped...)
			continue
		}
		if !info.Mode().IsRegular() {
			return nil, nil, &cmdutil.UsageError{Err: fmt.Errorf("cannot upload %s: not a regular file (pipe it to 'edasctl upload - --key NAME')", arg)}
		}
		if err := checkReadable(arg, arg); err != nil {
			return nil, nil, err
		}
		name := o.Key
		if name == "" {
			name = filepath.Base(arg)
		}
		srcs = append(srcs, source{Path: arg, Name: name, Size: info.Size()})
	}
	if err := checkDistinct(srcs); err != nil {
		return nil, nil, err
	}
	return srcs, notes, nil
}

// walk lists the files below dir (see collect for the rules). A dir that is
// itself a symbolic link is followed; paths are reported below dir as given.
func walk(dir string) (srcs []source, notes []string, err error) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, nil, &cmdutil.UsageError{Err: fmt.Errorf("cannot upload %s: %w", dir, unwrapPath(err))}
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, relErr := filepath.Rel(root, p)
		if relErr != nil {
			return fmt.Errorf("name %s: %w", p, relErr)
		}
		shown := filepath.Join(dir, rel)
		if err != nil {
			return &cmdutil.UsageError{Err: fmt.Errorf("cannot upload %s: %w", shown, unwrapPath(err))}
		}
		if junk(d) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return &cmdutil.UsageError{Err: fmt.Errorf("cannot upload %s: %w", shown, unwrapPath(err))}
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			var why string
			if info, why = followLink(root, p); why != "" {
				notes = append(notes, fmt.Sprintf("skipped %s: %s", shown, why))
				return nil
			}
		}
		if !info.Mode().IsRegular() {
			notes = append(notes, fmt.Sprintf("skipped %s: not a regular file", shown))
			return nil
		}
		if err := checkReadable(p, shown); err != nil {
			return err
		}
		srcs = append(srcs, source{Path: shown, Name: filepath.ToSlash(rel), Size: info.Size()})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return srcs, notes, nil
}

// followLink resolves the symbolic link p found while walking root. It
// returns the target's FileInfo, or why the link is skipped.
func followLink(root, p string) (fs.FileInfo, string) {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, "broken symbolic link"
	}
	if rel, err := filepath.Rel(root, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, "symbolic link leaves the directory"
	}
	info, err := os.Stat(target)
	if err != nil {
		return nil, unwrapPath(err).Error()
	}
	if info.IsDir() {
		return nil, "symbolic link to a directory"
	}
	return info, ""
}

// junkFiles and junkDirs are what operating systems leave in folders on
// their own (Finder, Spotlight, Explorer); a walk never uploads them.
var (
	junkFiles = map[string]bool{".DS_Store": true, "Thumbs.db": true, "ehthumbs.db": true, "desktop.ini": true, "Icon\r": true}
	junkDirs  = map[string]bool{".Spotlight-V100": true, ".Trashes": true, ".fseventsd": true, ".TemporaryItems": true, "$RECYCLE.BIN": true, "System Volume Information": true}
)

// junk reports whether a walk skips d: operating-system clutter, including
// macOS AppleDouble files ("._name").
func junk(d fs.DirEntry) bool {
	name := d.Name()
	if d.IsDir() {
		return junkDirs[name]
	}
	return junkFiles[name] || strings.HasPrefix(name, "._")
}

// checkReadable opens p for reading and closes it, so that a file the user
// may not read is reported, as shown, before anything is uploaded.
func checkReadable(p, shown string) error {
	f, err := os.Open(p)
	if err != nil {
		return &cmdutil.UsageError{Err: fmt.Errorf("cannot upload %s: %w", shown, unwrapPath(err))}
	}
	return f.Close()
}

// checkName refuses object names that cannot be uploaded as they stand: empty,
// absolute, or naming a folder (the handler ignores keys ending in "/").
func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.HasPrefix(name, "/"):
		return errors.New("it is below the input prefix, so it must not start with /")
	case strings.HasSuffix(name, "/"):
		return errors.New("a name ending in / is a folder, not an object")
	}
	return nil
}

// checkDistinct refuses two sources with the same object name, which would
// overwrite each other.
func checkDistinct(srcs []source) error {
	seen := make(map[string]string, len(srcs))
	for _, s := range srcs {
		if other, ok := seen[s.Name]; ok {
			return &cmdutil.UsageError{Err: fmt.Errorf("%s and %s would both be uploaded as %s", other, s.Path, s.Name)}
		}
		seen[s.Name] = s.Path
	}
	return nil
}

// keyPrefix is the key prefix of every upload: the input prefix, then the
// --prefix sub-prefix made to end with "/".
func keyPrefix(inputPrefix, sub string) string {
	sub = strings.Trim(path.Clean("/"+filepath.ToSlash(sub)), "/")
	if sub == "" {
		return inputPrefix
	}
	return inputPrefix + sub + "/"
}

// unwrapPath drops the *fs.PathError around err, whose path the callers
// already name: "cannot upload a.jpg: no such file or directory".
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
