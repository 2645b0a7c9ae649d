package build

import (
	"fmt"
	"io"
	"runtime"
)

// Architectures accepted by Options.Arch. ArchARM64 and ArchX86_64 are
// Lambda's names for its two instruction sets (the Architectures field of
// CreateFunction); ArchHost builds for the machine edasctl runs on, which is
// what the local AWS executes.
const (
	ArchARM64  = "arm64"
	ArchX86_64 = "x86_64"
	ArchHost   = "host"
)

// Options controls Package and LocateSource. The zero value builds the
// handler of the enclosing clone (or of the installed module version) for
// Lambda arm64, caches the zip under the user cache directory and logs
// nothing.
type Options struct {
	// Arch is the target: ArchARM64, ArchX86_64 (GOARCH=amd64) or ArchHost
	// (the GOOS and GOARCH edasctl itself was built for). "" means ArchARM64,
	// Lambda's default in this project. The two Lambda targets are always
	// GOOS=linux.
	Arch string

	// SourceDir is the root of the module that contains cmd/handler. ""
	// means LocateSource finds it (see LocateSource for the order).
	SourceDir string

	// WorkDir is where LocateSource starts looking upward for a clone when
	// SourceDir is "". "" means the current directory.
	WorkDir string

	// CacheDir holds finished zips, one file per cache key. "" means
	// os.UserCacheDir()/edasctl/handler. Ignored when NoCache is set.
	CacheDir string

	// NoCache builds every time and neither reads nor writes the cache;
	// Artifact.Path is then "".
	NoCache bool

	// GoBin is the go command to run. "" means "go" found on PATH, then
	// $GOROOT/bin/go, then /usr/local/go/bin/go.
	GoBin string

	// Log receives one progress line per step ("building handler for
	// linux/arm64…", "using cached handler …"). nil discards them.
	Log io.Writer
}

// An Artifact is a packaged handler.
type Artifact struct {
	// Zip is the deployment package: a single entry named bootstrap.
	Zip []byte

	// Path is the cache file that holds Zip, or "" when Options.NoCache was
	// set or the cache could not be used (Options.Log says why). The file is
	// shared with other runs: read it, never modify it.
	Path string

	// GOOS and GOARCH are the platform bootstrap was compiled for.
	GOOS, GOARCH string

	// CodeSha256 is the standard base64 encoding of the SHA-256 of Zip, which
	// is how Lambda reports a function's CodeSha256 ("The SHA256 hash of the
	// function's deployment package", FunctionConfiguration in the Lambda API
	// reference; the base64 of the raw digest, as the Terraform and Pulumi
	// providers compute it to detect code changes), so the two compare as
	// strings.
	CodeSha256 string

	// Cached reports that Zip came from the cache and no compiler ran.
	Cached bool
}

// Target returns the GOOS and GOARCH that Options.Arch arch builds for:
// linux/arm64 for "" and ArchARM64, linux/amd64 for ArchX86_64, and
// runtime.GOOS/runtime.GOARCH for ArchHost. Any other value is an error.
func Target(arch string) (goos, goarch string, err error) {
	switch arch {
	case "", ArchARM64:
		return "linux", "arm64", nil
	case ArchX86_64:
		return "linux", "amd64", nil
	case ArchHost:
		return runtime.GOOS, runtime.GOARCH, nil
	default:
		return "", "", fmt.Errorf("unsupported handler architecture %q (want %s, %s or %s)", arch, ArchARM64, ArchX86_64, ArchHost)
	}
}

// logf writes one progress line to w, if any.
func logf(w io.Writer, format string, args ...any) {
	if w == nil {
		return
	}
	fmt.Fprintf(w, format+"\n", args...)
}
