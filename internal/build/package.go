package build

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime/debug"
)

// Package returns the deployment package of the handler for opts.Arch.
//
// It finds the module with LocateSource and the go command as documented on
// Options.GoBin. Unless opts.NoCache is set it then looks for a zip cached
// under a key that covers everything that can change the bytes: the
// toolchain (`go env GOVERSION`, GOEXPERIMENT, …), the target, the build
// flags, go.mod, go.sum and the files of the module's packages that the
// handler imports (a go.mod that replaces a module with a local directory
// disables the cache, since those files are not covered). A hit returns the
// stored zip without running the compiler; it costs tens of milliseconds.
// A miss runs, in the module,
//
//	go build -trimpath -tags lambda.norpc -ldflags "-s -w -buildid=" -buildvcs=false -o <tmp>/bootstrap ./cmd/handler
//
// with GOOS, GOARCH, CGO_ENABLED=0, GOWORK=off, GOAMD64=v1 and GOARM64=v8.0,
// and GOFLAGS replaced so that a user's GOFLAGS (in the environment or set
// with `go env -w`) cannot change the result. GOTOOLCHAIN is left as the user
// has it: with the default "auto", a go older than the go line of go.mod
// (1.26) downloads that toolchain first, which needs the module proxy.
// The binary becomes the only entry of a zip, named bootstrap, stored with
// Unix mode 0755, Deflate and the time 1980-01-01 00:00 UTC and no extra
// fields, and the zip is written to the cache atomically (temporary file and
// rename). The same source, toolchain and target therefore give the same
// bytes, built or cached, and the same CodeSha256.
//
// A cache directory that cannot be used is logged to opts.Log and the
// handler is built anyway, with Artifact.Path "". A failed build returns an
// error wrapping a *CommandError that holds the end of the compiler's
// output; a cancelled ctx stops the compiler and the error wraps ctx.Err().
// Errors match ErrNoSource or ErrNoToolchain when the source or the go
// command is missing. Package may be called concurrently, also by several
// processes sharing one cache directory.
func Package(ctx context.Context, opts Options) (*Artifact, error) {
	return packager{run: execGo, buildInfo: debug.ReadBuildInfo}.pack(ctx, opts)
}

// A packager is Package with its process dependencies made replaceable,
// so that tests can count or refuse go command runs.
type packager struct {
	run       goRunner
	buildInfo func() (*debug.BuildInfo, bool)
}

func (p packager) pack(ctx context.Context, opts Options) (*Artifact, error) {
	goos, goarch, err := Target(opts.Arch)
	if err != nil {
		return nil, err
	}
	src, err := locator{goBin: opts.GoBin, run: p.run, buildInfo: p.buildInfo}.locate(ctx, opts.SourceDir, opts.WorkDir)
	if err != nil {
		return nil, err
	}
	goBin, err := findGo(opts.GoBin)
	if err != nil {
		return nil, err
	}
	env := buildEnv(goos, goarch)

	var c *cache
	var key string
	if !opts.NoCache {
		c, key, err = p.openCache(ctx, opts, goBin, src, env)
		if err != nil {
			return nil, err
		}
	}
	if c != nil {
		if zip, ok := c.load(key); ok {
			logf(opts.Log, "using cached handler for %s/%s (%s)", goos, goarch, c.path(key))
			return newArtifact(zip, c.path(key), goos, goarch, true), nil
		}
	}

	logf(opts.Log, "building handler for %s/%s…", goos, goarch)
	bin, err := compile(ctx, p.run, goBin, src, env)
	if err != nil {
		return nil, fmt.Errorf("build handler for %s/%s: %w", goos, goarch, err)
	}
	zip, err := zipBootstrap(bin)
	if err != nil {
		return nil, err
	}
	art := newArtifact(zip, "", goos, goarch, false)
	if c != nil {
		path, err := c.store(key, zip)
		if err != nil {
			logf(opts.Log, "not caching the handler: %v", err)
			return art, nil
		}
		art.Path = path
		c.prune()
	}
	return art, nil
}

// openCache returns the cache to use and the key of this build, or a nil
// cache when caching is impossible here (no cache directory, or a module
// whose inputs the key cannot cover); the reason is logged.
func (p packager) openCache(ctx context.Context, opts Options, goBin, src string, env []string) (*cache, string, error) {
	dir := opts.CacheDir
	if dir == "" {
		d, err := defaultCacheDir()
		if err != nil {
			logf(opts.Log, "not caching the handler: %v", err)
			return nil, "", nil
		}
		dir = d
	}
	key, err := cacheKey(ctx, p.run, goBin, src, env)
	switch {
	case errors.Is(err, errUncacheable):
		logf(opts.Log, "not caching the handler: %v", err)
		return nil, "", nil
	case err != nil:
		return nil, "", err
	}
	return &cache{dir: dir}, key, nil
}

// newArtifact describes zip.
func newArtifact(zip []byte, path, goos, goarch string, cached bool) *Artifact {
	sum := sha256.Sum256(zip)
	return &Artifact{
		Zip:        zip,
		Path:       path,
		GOOS:       goos,
		GOARCH:     goarch,
		CodeSha256: base64.StdEncoding.EncodeToString(sum[:]),
		Cached:     cached,
	}
}
