package upcmd

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"

	"github.com/edasctl/edasctl/internal/build"
	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
)

// artifact returns the handler zip to deploy: the --handler-zip file after
// checking it holds an executable bootstrap for the target, or a build from
// source — for the host on the local AWS (its functions run as host
// processes), for the configured architecture on AWS.
func artifact(ctx context.Context, opts *Options, st *stack.Stack) (*build.Artifact, error) {
	arch, err := targetArch(st)
	if err != nil {
		return nil, err
	}
	if opts.HandlerZip != "" {
		return readZip(opts.HandlerZip, arch)
	}
	art, err := opts.Build(ctx, build.Options{Arch: arch, Log: opts.IO.ErrOut})
	switch {
	case errors.Is(err, build.ErrNoSource), errors.Is(err, build.ErrNoToolchain):
		return nil, cmdutil.WithHint(err, "build a zip elsewhere with 'edasctl package' and pass 'edasctl up --handler-zip FILE'")
	case err != nil:
		return nil, fmt.Errorf("build the handler: %w", err)
	}
	return art, nil
}

// targetArch is the build.Options.Arch for the stack: host on the local AWS;
// on AWS the consumers' architecture, which must be one for all of them
// because one zip serves every function.
func targetArch(st *stack.Stack) (string, error) {
	if st.Local {
		return build.ArchHost, nil
	}
	arch := ""
	for _, c := range st.Config.Consumers {
		switch {
		case arch == "":
			arch = c.Function.Architecture
		case c.Function.Architecture != arch:
			return "", &cmdutil.UsageError{Err: fmt.Errorf("consumers %s and %s ask for different architectures (%s, %s); one handler zip serves every function, so set one function.architecture", st.Config.Consumers[0].Name, c.Name, arch, c.Function.Architecture)}
		}
	}
	return arch, nil
}

func readZip(path, arch string) (*build.Artifact, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &cmdutil.UsageError{Err: fmt.Errorf("read --handler-zip: %w", err)}
	}
	info, err := build.Inspect(data)
	if err != nil {
		return nil, &cmdutil.UsageError{Err: fmt.Errorf("--handler-zip %s: %w", path, err)}
	}
	if err := info.CheckArch(arch); err != nil {
		return nil, &cmdutil.UsageError{Err: fmt.Errorf("--handler-zip %s: %w", path, err)}
	}
	goos, goarch, _ := build.Target(arch)
	sum := sha256.Sum256(data)
	return &build.Artifact{Zip: data, GOOS: goos, GOARCH: goarch, CodeSha256: base64.StdEncoding.EncodeToString(sum[:])}, nil
}
