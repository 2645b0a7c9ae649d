package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/pflag"

	"github.com/edasctl/edasctl/internal/awsenv"
	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/localaws/daemon"
)

// GlobalFlags are the flags every verb accepts (see DESIGN.md, "Contracts").
type GlobalFlags struct {
	ConfigFile  string // --config
	Stack       string // --stack
	Region      string // --region
	Profile     string // --profile
	EndpointURL string // --endpoint-url
	Local       bool   // --local
	Output      string // -o/--output: text | json
	Verbose     bool   // -v/--verbose
}

// JSON reports whether -o json was asked for.
func (g *GlobalFlags) JSON() bool { return g.Output == "json" }

// A Factory hands commands their dependencies, each built lazily on first use,
// so that `--help` or `package` never loads configuration or AWS credentials.
// Tests build a bare Factory with only the fields a command needs.
type Factory struct {
	IO      *iostreams.Streams // depends on: nothing
	Globals *GlobalFlags       // depends on: flag parsing
	Flags   *pflag.FlagSet     // depends on: flag parsing; the root's persistent flags, for config precedence

	// Config loads and validates the pipeline configuration.
	// depends on: Globals (--config, --stack, --region), EDAS_* environment, working directory
	Config func() (*config.Config, error)

	// AWSConfig builds the aws.Config for the target (real AWS or local).
	// depends on: Globals (--profile, --endpoint-url, --local, -v), Config (region)
	AWSConfig func(ctx context.Context) (aws.Config, error)

	// Now is the clock. depends on: nothing
	Now func() time.Time
}

// NewFactory wires the production providers.
func NewFactory(ios *iostreams.Streams) *Factory {
	f := &Factory{IO: ios, Globals: &GlobalFlags{}, Now: time.Now}
	f.Config = sync.OnceValues(func() (*config.Config, error) {
		cfg, err := config.Load(config.LoadOptions{
			File:    f.Globals.ConfigFile,
			Flags:   f.Flags,
			Environ: os.Environ(),
		})
		if err != nil {
			return nil, &cmdutil.UsageError{Err: err}
		}
		return cfg, nil
	})
	f.AWSConfig = func(ctx context.Context) (aws.Config, error) {
		pipeline, err := f.Config()
		if err != nil {
			return aws.Config{}, err
		}
		if f.Globals.Local {
			if err := ensureLocal(ctx, f.IO); err != nil {
				return aws.Config{}, err
			}
		}
		return loadAWS(ctx, f.Globals, pipeline.Region)
	}
	return f
}

// ensureLocal makes sure the local AWS answers at its default address,
// starting it detached (state in the default data directory) when it does not.
func ensureLocal(ctx context.Context, ios *iostreams.Streams) error {
	if _, ok := daemon.Probe(ctx, awsenv.LocalEndpoint); ok {
		return nil
	}
	dir, err := daemon.DefaultDataDir()
	if err != nil {
		return err
	}
	fmt.Fprintf(ios.ErrOut, "starting the local AWS on %s (state in %s)…\n", awsenv.LocalEndpoint, dir)
	pid, err := daemon.StartDetached(ctx, daemon.StartOptions{
		Args:     []string{"local", "--addr", daemon.DefaultAddr, "--data-dir", dir},
		DataDir:  dir,
		Endpoint: awsenv.LocalEndpoint,
	})
	if err != nil {
		return cmdutil.WithHint(err, "start it yourself with 'edasctl local' to see why")
	}
	fmt.Fprintf(ios.ErrOut, "local AWS running (pid %d); stop it with 'edasctl local stop'\n", pid)
	return nil
}

// loadAWS resolves --local and --endpoint-url and loads the AWS configuration,
// attaching the hint a new user needs when region or credentials are missing.
func loadAWS(ctx context.Context, g *GlobalFlags, region string) (aws.Config, error) {
	endpoint := g.EndpointURL
	if g.Local {
		endpoint = awsenv.LocalEndpoint
	}
	cfg, err := awsenv.Load(ctx, awsenv.Options{
		Region:      region,
		Profile:     g.Profile,
		EndpointURL: endpoint,
		Verbose:     g.Verbose,
	})
	switch {
	case errors.Is(err, awsenv.ErrNoRegion), errors.Is(err, awsenv.ErrNoCredentials):
		return aws.Config{}, cmdutil.WithHint(err, "to try edasctl without an AWS account, add --local (the built-in local AWS)")
	case err != nil:
		return aws.Config{}, fmt.Errorf("configure AWS: %w", err)
	}
	return cfg, nil
}
