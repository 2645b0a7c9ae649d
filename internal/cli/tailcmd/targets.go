package tailcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/config"
)

// functionAPI is the subset of *lambda.Client tail uses; provision.LambdaAPI
// satisfies it.
type functionAPI interface {
	GetFunction(context.Context, *lambda.GetFunctionInput, ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error)
}

var _ functionAPI = (*lambda.Client)(nil)

// A target is one consumer whose function's logs are read.
type target struct {
	consumer string
	function string
	group    string
	deployed bool // the function exists
}

// selectConsumers returns the configured consumers named in names, in the
// configuration's order, or all of them when names is empty. An unknown name
// is a FlagError that lists the consumers.
func selectConsumers(cfg *config.Config, names []string) ([]string, error) {
	all := make([]string, 0, len(cfg.Consumers))
	for _, c := range cfg.Consumers {
		all = append(all, c.Name)
	}
	if len(names) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		known := false
		for _, c := range all {
			known = known || c == n
		}
		if !known {
			return nil, cmdutil.FlagErrorf("unknown consumer %q for --consumer: the stack's consumers are %s", n, strings.Join(all, ", "))
		}
		want[n] = true
	}
	var out []string
	for _, c := range all {
		if want[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// resolveTargets finds each consumer's log group: the function's
// LoggingConfig.LogGroup, which may name a group other than Lambda's
// default /aws/lambda/<function> (AWS-RULES L13,
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html),
// else, when the function does not exist (yet), the configuration's
// LogGroupName.
func resolveTargets(ctx context.Context, api functionAPI, cfg *config.Config, consumers []string) ([]target, error) {
	out := make([]target, 0, len(consumers))
	for _, c := range consumers {
		t := target{consumer: c, function: cfg.FunctionName(c), group: cfg.LogGroupName(c)}
		fn, err := api.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(t.function)})
		var notFound *lambdatypes.ResourceNotFoundException
		switch {
		case errors.As(err, &notFound):
		case err != nil:
			return nil, fmt.Errorf("get function %s: %w", t.function, err)
		default:
			t.deployed = true
			if fn.Configuration != nil && fn.Configuration.LoggingConfig != nil && aws.ToString(fn.Configuration.LoggingConfig.LogGroup) != "" {
				t.group = aws.ToString(fn.Configuration.LoggingConfig.LogGroup)
			}
		}
		out = append(out, t)
	}
	return out, nil
}
