// Package cli is edasctl's command line: the root command, its global flags,
// the Factory of lazily built dependencies, and Main, which alone maps errors
// to exit codes. Each verb lives in its own package (or file) with an Options
// struct and a run function that never reads flags or exits.
package cli

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/awsenv"
	"github.com/edasctl/edasctl/internal/cli/benchcmd"
	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/configcmd"
	"github.com/edasctl/edasctl/internal/cli/democmd"
	"github.com/edasctl/edasctl/internal/cli/downcmd"
	"github.com/edasctl/edasctl/internal/cli/localcmd"
	"github.com/edasctl/edasctl/internal/cli/packagecmd"
	"github.com/edasctl/edasctl/internal/cli/redrivecmd"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/cli/statuscmd"
	"github.com/edasctl/edasctl/internal/cli/tailcmd"
	"github.com/edasctl/edasctl/internal/cli/upcmd"
	"github.com/edasctl/edasctl/internal/cli/uploadcmd"
	"github.com/edasctl/edasctl/internal/version"
)

// NewRootCmd builds the edasctl command tree on top of f. It binds the global
// flags into f.Globals and f.Flags.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "edasctl <command> [flags]",
		Short: "Deploy, watch and remove an S3 → SNS → SQS → Lambda fan-out pipeline",
		Long: `edasctl stands up, operates and tears down an event-driven fan-out pipeline:
an S3 upload notifies an SNS topic, which fans out to SQS queues (each with a
dead-letter queue) consumed by Lambda functions. It talks to AWS directly
through the AWS SDK, in dependency order, and ships its own local AWS so the
whole pipeline also runs on one machine with no account and no Docker.`,
		Example: `  edasctl demo                     # the whole loop on the built-in local AWS
  edasctl up --local               # deploy to the local AWS
  edasctl upload cat.jpg --wait    # upload and wait for the consumers' results
  edasctl tail -f                  # follow every consumer's logs
  edasctl status -o json           # the pipeline as it really is
  edasctl down                     # remove everything the stack owns`,
		Version:       version.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return validateGlobals(f.Globals)
		},
	}
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })

	g := f.Globals
	pf := root.PersistentFlags()
	pf.StringVar(&g.ConfigFile, "config", "", "configuration file (default ./edasctl.yaml if present)")
	pf.StringVar(&g.Stack, "stack", "", "stack name, the prefix of every resource (overrides EDAS_STACK and the file)")
	pf.StringVar(&g.Region, "region", "", "AWS region (default: EDAS_REGION, the file, then the AWS profile/environment)")
	pf.StringVar(&g.Profile, "profile", "", "AWS shared-config profile")
	pf.StringVar(&g.EndpointURL, "endpoint-url", "", "send every AWS call to this endpoint (also AWS_ENDPOINT_URL)")
	pf.BoolVar(&g.Local, "local", false, "use the built-in local AWS at 127.0.0.1:4566")
	pf.StringVarP(&g.Output, "output", "o", "text", "output format: text or json")
	pf.BoolVarP(&g.Verbose, "verbose", "v", false, "log AWS requests and retries to stderr")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	f.Flags = pf

	root.AddGroup(
		&cobra.Group{ID: "pipeline", Title: "Pipeline commands:"},
		&cobra.Group{ID: "daily", Title: "Daily loop:"},
		&cobra.Group{ID: "tools", Title: "Tools:"},
	)
	stackDeps := func(ctx context.Context) (*stack.Stack, error) {
		return stack.Resolve(ctx, stack.Deps{Config: f.Config, AWSConfig: f.AWSConfig})
	}
	ci := os.Getenv("CI") != ""
	for _, c := range []*cobra.Command{
		upcmd.NewCmd(upcmd.Deps{IO: f.IO, JSON: g.JSON, CI: ci, Stack: stackDeps}, nil),
		downcmd.NewCmd(downcmd.Deps{IO: f.IO, JSON: g.JSON, CI: ci, Stack: stackDeps}, nil),
		statuscmd.NewCmd(statuscmd.Deps{IO: f.IO, JSON: g.JSON, Stack: stackDeps}, nil),
	} {
		c.GroupID = "pipeline"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{
		uploadcmd.NewCmd(uploadcmd.Deps{IO: f.IO, JSON: g.JSON, CI: ci, Stack: stackDeps}, nil),
		tailcmd.NewCmd(tailcmd.Deps{IO: f.IO, JSON: g.JSON, Stack: stackDeps}, nil),
		benchcmd.NewCmd(benchcmd.Deps{IO: f.IO, JSON: g.JSON, CI: ci, Stack: stackDeps}, nil),
		redrivecmd.NewCmd(redrivecmd.Deps{IO: f.IO, JSON: g.JSON, CI: ci, Stack: stackDeps}, nil),
	} {
		c.GroupID = "daily"
		root.AddCommand(c)
	}
	demo := democmd.NewCmd(democmd.Deps{IO: f.IO, CI: ci}, nil)
	demo.GroupID = "daily"
	root.AddCommand(demo)
	pkg := packagecmd.NewCmd(packagecmd.Deps{IO: f.IO, JSON: g.JSON}, nil)
	pkg.GroupID = "tools"
	root.AddCommand(pkg)
	local := localcmd.NewCmd(localcmd.Deps{IO: f.IO, JSON: g.JSON, Verbose: func() bool { return g.Verbose }})
	local.GroupID = "pipeline"
	root.AddCommand(local)
	cfg := configcmd.NewCmd(configcmd.Deps{IO: f.IO, Config: f.Config, JSON: g.JSON}, nil)
	cfg.GroupID = "tools"
	root.AddCommand(cfg)
	root.SetHelpCommandGroupID("tools")
	root.SetCompletionCommandGroupID("tools")
	return root
}

func validateGlobals(g *GlobalFlags) error {
	if g.Output != "text" && g.Output != "json" {
		return cmdutil.FlagErrorf("invalid value %q for -o/--output: use text or json", g.Output)
	}
	if g.Local && g.EndpointURL != "" {
		return cmdutil.FlagErrorf("--local and --endpoint-url cannot be used together: --local means --endpoint-url %s", awsenv.LocalEndpoint)
	}
	return nil
}
