package provision_test

import (
	"context"
	"fmt"
	"os"

	"github.com/edasctl/edasctl/internal/awsenv"
	"github.com/edasctl/edasctl/internal/build"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/provision"
)

// This is how the up verb drives a plan; down and status differ only in the
// method called. It has no Output comment, so it is compiled but not run.
func ExamplePlan_Up() {
	ctx := context.Background()
	cfg := config.Default()
	awsCfg, err := awsenv.Load(ctx, awsenv.Options{EndpointURL: awsenv.LocalEndpoint})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	clients := provision.NewClients(awsCfg)
	target, err := provision.ResolveTarget(ctx, clients.STS, awsCfg.Region, true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	zip, err := build.Package(ctx, build.Options{Arch: build.ArchHost})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	plan, err := provision.NewPlan(cfg, target, zip, clients)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	results, err := plan.Up(ctx)
	for _, r := range results {
		fmt.Printf("%-12s %-40s %s\n", r.Kind, r.Name, r.Outcome)
	}
	for _, w := range plan.Warnings(results) {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
