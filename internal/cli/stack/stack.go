// Package stack resolves what the pipeline verbs (up, down, status, upload,
// tail) share: the validated configuration, the AWS configuration, the SDK
// clients, the target account and region, and whether the endpoint is the
// local AWS.
package stack

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/localaws/daemon"
	"github.com/edasctl/edasctl/internal/provision"
)

// Deps are the Factory providers the verbs pass in.
type Deps struct {
	Config    func() (*config.Config, error)
	AWSConfig func(context.Context) (aws.Config, error)
}

// A Stack is one resolved pipeline target.
type Stack struct {
	Config  *config.Config
	AWS     aws.Config
	Clients provision.Clients
	Target  provision.Target
	// Local is true when the endpoint answers as edasctl's local AWS (its
	// health endpoint and X-Edas-Local header), however it was reached:
	// --local, --endpoint-url or AWS_ENDPOINT_URL.
	Local bool
}

// Resolve loads the configuration and AWS configuration, detects the local
// AWS, and asks STS for the account.
func Resolve(ctx context.Context, d Deps) (*Stack, error) {
	cfg, err := d.Config()
	if err != nil {
		return nil, err
	}
	awsCfg, err := d.AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	local := false
	if endpoint := aws.ToString(awsCfg.BaseEndpoint); endpoint != "" {
		_, local = daemon.Probe(ctx, endpoint)
	}
	clients := provision.NewClients(awsCfg)
	target, err := provision.ResolveTarget(ctx, clients.STS, awsCfg.Region, local)
	if err != nil {
		return nil, fmt.Errorf("find the AWS account: %w", err)
	}
	return &Stack{Config: cfg, AWS: awsCfg, Clients: clients, Target: target, Local: local}, nil
}
