// Package packagecmd implements `edasctl package`: build the Lambda handler
// and write its deployment zip.
package packagecmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/build"
	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// Deps are what the command takes from the root.
type Deps struct {
	IO   *iostreams.Streams
	JSON func() bool // whether -o json was given; read at run time, after flag parsing
}

// Options are the inputs of one `edasctl package` run.
type Options struct {
	IO      *iostreams.Streams
	JSON    bool
	Arch    string // arm64 | x86_64 | host
	OutFile string // "" = handler-<os>-<arch>.zip in the working directory
	NoCache bool
	Build   func(context.Context, build.Options) (*build.Artifact, error)
}

// NewCmd returns the `package` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: d.IO, Build: build.Package}
	cmd := &cobra.Command{
		Use:   "package [FILE]",
		Short: "Build the Lambda handler and write its deployment zip",
		Long: `Build cmd/handler with the Go toolchain (static, trimmed, reproducible) and
write it as a zip holding a single executable "bootstrap", ready for the
provided.al2023 runtime. Identical source gives a byte-identical zip, so an
unchanged handler keeps its CodeSha256 and "up" does not redeploy it.
Results are cached by their inputs.`,
		Example: `  edasctl package                         # handler-linux-arm64.zip
  edasctl package --arch x86_64 dist/handler.zip
  edasctl package --arch host -o json     # for the local AWS on this machine`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkArch(opts.Arch); err != nil {
				return err
			}
			if len(args) == 1 {
				opts.OutFile = args[0]
			}
			opts.JSON = d.JSON()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Arch, "arch", "arm64", "target architecture: arm64, x86_64 or host (this machine's OS and architecture)")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "always rebuild instead of reusing a cached zip")
	_ = cmd.RegisterFlagCompletionFunc("arch", cobra.FixedCompletions([]string{"arm64", "x86_64", "host"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func checkArch(arch string) error {
	switch arch {
	case "arm64", "x86_64", "host":
		return nil
	}
	return cmdutil.FlagErrorf("invalid value %q for --arch: use arm64, x86_64 or host", arch)
}

// result is the -o json shape of one package run.
type result struct {
	Path       string `json:"path"`
	Size       int    `json:"size"`
	CodeSha256 string `json:"codeSha256"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	Cached     bool   `json:"cached"`
}

func run(ctx context.Context, opts *Options) error {
	art, err := opts.Build(ctx, build.Options{Arch: opts.Arch, NoCache: opts.NoCache, Log: opts.IO.ErrOut})
	switch {
	case errors.Is(err, build.ErrNoSource), errors.Is(err, build.ErrNoToolchain):
		return cmdutil.WithHint(err, "deploy a prebuilt handler with 'edasctl up --handler-zip FILE'")
	case err != nil:
		return err
	}
	out := opts.OutFile
	if out == "" {
		out = fmt.Sprintf("handler-%s-%s.zip", art.GOOS, lambdaArch(art.GOARCH))
	}
	if err := writeFileAtomic(out, art.Zip); err != nil {
		return err
	}
	res := result{Path: out, Size: len(art.Zip), CodeSha256: art.CodeSha256, OS: art.GOOS, Arch: lambdaArch(art.GOARCH), Cached: art.Cached}
	if opts.JSON {
		return cmdutil.WriteJSON(opts.IO.Out, res)
	}
	_, err = fmt.Fprintf(opts.IO.Out, "%s\t%d bytes\t%s/%s\tCodeSha256 %s\n", res.Path, res.Size, res.OS, res.Arch, res.CodeSha256)
	return err
}

// lambdaArch names a GOARCH the way Lambda's Architectures field does.
func lambdaArch(goarch string) string {
	if goarch == "amd64" {
		return "x86_64"
	}
	return goarch
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so an interrupted run never leaves a truncated zip behind.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".handler-*.zip")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
