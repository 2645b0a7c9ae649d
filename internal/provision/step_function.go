package provision

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/handler"
)

// Function settings fixed by the handler's packaging: Go runs on the
// OS-only runtime, as an executable named bootstrap (AWS-RULES L2).
const (
	functionRuntime = lambdatypes.RuntimeProvidedal2023
	functionHandler = "bootstrap"
)

// functionStep is a consumer's Lambda function.
type functionStep struct {
	consumer *config.Consumer
}

func lambdaMissing(err error) bool {
	var nf *lambdatypes.ResourceNotFoundException
	return errors.As(err, &nf)
}

// env returns the function's environment: the action, and the input
// prefix when it is not the handler's default.
func (f *functionStep) env(o *op) map[string]string {
	env := map[string]string{handler.EnvAction: f.consumer.Action}
	if o.cfg.Bucket.InputPrefix != handler.DefaultInputPrefix {
		env[handler.EnvInputPrefix] = o.cfg.Bucket.InputPrefix
	}
	return env
}

// configDiffs compares the function's configuration with the plan.
func (f *functionStep) configDiffs(o *op, c *lambdatypes.FunctionConfiguration) []Diff {
	fn := f.consumer.Function
	var diffs []Diff
	add := func(field, have, want string) {
		if have != want {
			diffs = append(diffs, Diff{Field: field, Have: have, Want: want})
		}
	}
	add("Runtime", string(c.Runtime), string(functionRuntime))
	add("Handler", aws.ToString(c.Handler), functionHandler)
	add("Role", aws.ToString(c.Role), o.target.roleARN(o.cfg.RoleName(f.consumer.Name)))
	add("MemorySize", strconv.Itoa(int(aws.ToInt32(c.MemorySize))), strconv.Itoa(fn.MemoryMB))
	add("Timeout", strconv.Itoa(int(aws.ToInt32(c.Timeout))), strconv.Itoa(fn.TimeoutSeconds))
	var have map[string]string
	if c.Environment != nil {
		have = c.Environment.Variables
	}
	if !maps.Equal(have, f.env(o)) {
		diffs = append(diffs, Diff{Field: "Environment", Have: formatTags(have), Want: formatTags(f.env(o))})
	}
	return diffs
}

// codeDiffs compares the architecture and, when the plan has a handler
// zip, the code. CodeSha256 is the base64 SHA-256 of the zip on both sides
// (build.Artifact.CodeSha256).
func (f *functionStep) codeDiffs(o *op, c *lambdatypes.FunctionConfiguration) []Diff {
	var diffs []Diff
	arch := ""
	if len(c.Architectures) > 0 {
		arch = string(c.Architectures[0])
	}
	if want := f.consumer.Function.Architecture; arch != want {
		diffs = append(diffs, Diff{Field: "Architectures", Have: arch, Want: want})
	}
	if o.artifact != nil && aws.ToString(c.CodeSha256) != o.artifact.CodeSha256 {
		diffs = append(diffs, Diff{Field: "CodeSha256", Have: aws.ToString(c.CodeSha256), Want: o.artifact.CodeSha256,
			Note: "code differs from the local build"})
	}
	return diffs
}

func (f *functionStep) get(ctx context.Context, o *op) (*lambda.GetFunctionOutput, error) {
	name := o.cfg.FunctionName(f.consumer.Name)
	out, err := o.clients.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: &name})
	if lambdaMissing(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read function %s: %w", name, err)
	}
	if out.Configuration == nil {
		return nil, fmt.Errorf("read function %s: no configuration in the answer", name)
	}
	if err := checkOwner("function", name, o.cfg.Stack, out.Tags); err != nil {
		return nil, err
	}
	return out, nil
}

func (f *functionStep) observe(ctx context.Context, o *op) (Observation, error) {
	out, err := f.get(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if out == nil {
		return missing("function missing"), nil
	}
	c := out.Configuration
	diffs := append(f.configDiffs(o, c), f.codeDiffs(o, c)...)
	diffs = append(diffs, tagDiffs(out.Tags, o.cfg.ResourceTags())...)
	if c.State == lambdatypes.StateFailed {
		diffs = append(diffs, Diff{Field: "State", Have: string(c.State) + ": " + aws.ToString(c.StateReason), Want: string(lambdatypes.StateActive)})
	}
	return observed(aws.ToString(c.FunctionArn), diffs), nil
}

// lambdaRetryable is the classifier of function operations: role
// propagation (I1, I2) and ResourceConflictException while the function
// is still being created or updated (L1, I2).
func lambdaRetryable(err error) bool { return isRolePropagation(err) || isResourceConflict(err) }

func (f *functionStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	name := o.cfg.FunctionName(f.consumer.Name)
	out, err := f.get(ctx, o)
	if err != nil {
		return "", "", err
	}
	if out == nil {
		arn, cerr := f.create(ctx, o)
		if cerr == nil {
			return Created, arn, nil
		}
		if !isResourceConflict(cerr) {
			return "", "", cerr
		}
		// Created meanwhile: a CreateFunction sent by an interrupted up can
		// still land after this up has looked. Converge it below.
		if out, err = f.get(ctx, o); err != nil {
			return "", "", err
		}
		if out == nil {
			return "", "", cerr
		}
	}
	c := out.Configuration
	// A Failed function cannot be repaired in place: delete and recreate
	// it (AWS-RULES L1). Its event source mapping survives the deletion
	// (L10) and is converged by the mapping step.
	if c.State == lambdatypes.StateFailed && owned(o.cfg.Stack, out.Tags) {
		o.wait(fmt.Sprintf("function %s to be recreated (it is Failed: %s)", name, aws.ToString(c.StateReason)))
		if _, _, err := f.delete(ctx, o); err != nil {
			return "", "", err
		}
		arn, err := f.create(ctx, o)
		if err != nil {
			return "", "", err
		}
		return Updated, arn, nil
	}
	// An interrupted up can leave the function Pending; it must be Active
	// before it is updated or mapped (L1).
	if c.State == lambdatypes.StatePending {
		if err := f.waitActive(ctx, o); err != nil {
			return "", "", err
		}
	}
	arn := aws.ToString(c.FunctionArn)
	cfgDiffs, codeDiffs := f.configDiffs(o, c), f.codeDiffs(o, c)
	addTags := missingTags(out.Tags, o.cfg.ResourceTags())
	if len(cfgDiffs) == 0 && len(codeDiffs) == 0 && len(addTags) == 0 {
		return Unchanged, arn, nil
	}
	if len(cfgDiffs) > 0 {
		if err := f.updateConfig(ctx, o); err != nil {
			return "", "", err
		}
	}
	if len(codeDiffs) > 0 {
		if err := f.updateCode(ctx, o); err != nil {
			return "", "", err
		}
	}
	if len(addTags) > 0 {
		if _, err := o.clients.Lambda.TagResource(ctx, &lambda.TagResourceInput{Resource: &arn, Tags: addTags}); err != nil {
			return "", "", fmt.Errorf("tag function %s: %w", name, err)
		}
	}
	return Updated, arn, nil
}

// create creates the function and waits until it is Active (L1). A role
// created moments ago may not be assumable yet: CreateFunction is retried
// within Timeouts.RolePropagation, as Terraform's retryFunctionOp does
// (AWS-RULES I1, I2).
func (f *functionStep) create(ctx context.Context, o *op) (string, error) {
	name := o.cfg.FunctionName(f.consumer.Name)
	if o.artifact == nil {
		return "", fmt.Errorf("create function %s: no handler zip", name)
	}
	fn := f.consumer.Function
	in := &lambda.CreateFunctionInput{
		FunctionName:  &name,
		Runtime:       functionRuntime,
		Handler:       aws.String(functionHandler),
		Role:          aws.String(o.target.roleARN(o.cfg.RoleName(f.consumer.Name))),
		Code:          &lambdatypes.FunctionCode{ZipFile: o.artifact.Zip},
		Architectures: []lambdatypes.Architecture{lambdatypes.Architecture(fn.Architecture)},
		MemorySize:    aws.Int32(int32(fn.MemoryMB)),
		Timeout:       aws.Int32(int32(fn.TimeoutSeconds)),
		Environment:   &lambdatypes.Environment{Variables: f.env(o)},
		Tags:          o.cfg.ResourceTags(),
	}
	var out *lambda.CreateFunctionOutput
	// Only propagation is retried here: a ResourceConflictException from
	// CreateFunction means the function exists, which retrying won't change.
	err := o.retry.do(ctx, o.Timeouts.RolePropagation, isRolePropagation, o.wait,
		"IAM to propagate role "+o.cfg.RoleName(f.consumer.Name)+" (Lambda cannot assume it yet)",
		func() error {
			var err error
			out, err = o.clients.Lambda.CreateFunction(ctx, in)
			return err
		})
	if err != nil {
		return "", fmt.Errorf("create function %s: %w", name, err)
	}
	if err := f.waitActive(ctx, o); err != nil {
		return "", err
	}
	return aws.ToString(out.FunctionArn), nil
}

func (f *functionStep) waitActive(ctx context.Context, o *op) error {
	name := o.cfg.FunctionName(f.consumer.Name)
	o.wait("function " + name + " to become Active")
	w := lambda.NewFunctionActiveV2Waiter(o.clients.Lambda, func(w *lambda.FunctionActiveV2WaiterOptions) {
		w.MinDelay, w.MaxDelay = o.Timeouts.FirstDelay, max(o.Timeouts.MaxDelay, o.Timeouts.FirstDelay)
	})
	if err := w.Wait(ctx, &lambda.GetFunctionInput{FunctionName: &name}, o.Timeouts.FunctionState); err != nil {
		// Say why, when Lambda says: the waiter only knows it failed.
		if out, gerr := o.clients.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: &name}); gerr == nil &&
			out.Configuration != nil && out.Configuration.State == lambdatypes.StateFailed {
			c := out.Configuration
			return fmt.Errorf("function %s is Failed (%s: %s); fix the cause and run 'edasctl up' to recreate it", name, c.StateReasonCode, aws.ToString(c.StateReason))
		}
		return fmt.Errorf("wait for function %s to become Active: %w", name, err)
	}
	return nil
}

// waitUpdated waits until the function's last update is done, so that the
// next update is not refused (L1).
func (f *functionStep) waitUpdated(ctx context.Context, o *op) error {
	name := o.cfg.FunctionName(f.consumer.Name)
	o.wait("function " + name + " to finish updating")
	w := lambda.NewFunctionUpdatedV2Waiter(o.clients.Lambda, func(w *lambda.FunctionUpdatedV2WaiterOptions) {
		w.MinDelay, w.MaxDelay = o.Timeouts.FirstDelay, max(o.Timeouts.MaxDelay, o.Timeouts.FirstDelay)
	})
	if err := w.Wait(ctx, &lambda.GetFunctionInput{FunctionName: &name}, o.Timeouts.FunctionState); err != nil {
		return fmt.Errorf("wait for function %s to finish updating: %w", name, err)
	}
	return nil
}

func (f *functionStep) updateConfig(ctx context.Context, o *op) error {
	name := o.cfg.FunctionName(f.consumer.Name)
	fn := f.consumer.Function
	in := &lambda.UpdateFunctionConfigurationInput{
		FunctionName: &name,
		Runtime:      functionRuntime,
		Handler:      aws.String(functionHandler),
		Role:         aws.String(o.target.roleARN(o.cfg.RoleName(f.consumer.Name))),
		MemorySize:   aws.Int32(int32(fn.MemoryMB)),
		Timeout:      aws.Int32(int32(fn.TimeoutSeconds)),
		Environment:  &lambdatypes.Environment{Variables: f.env(o)},
	}
	err := o.retry.do(ctx, o.Timeouts.FunctionState, lambdaRetryable, o.wait,
		"function "+name+" to accept an update (another one is in progress)",
		func() error {
			_, err := o.clients.Lambda.UpdateFunctionConfiguration(ctx, in)
			return err
		})
	if err != nil {
		return fmt.Errorf("update configuration of function %s: %w", name, err)
	}
	return f.waitUpdated(ctx, o)
}

// updateCode uploads the zip, with the architecture, which only
// UpdateFunctionCode can change.
func (f *functionStep) updateCode(ctx context.Context, o *op) error {
	name := o.cfg.FunctionName(f.consumer.Name)
	if o.artifact == nil {
		return fmt.Errorf("update code of function %s: no handler zip", name)
	}
	in := &lambda.UpdateFunctionCodeInput{
		FunctionName:  &name,
		ZipFile:       o.artifact.Zip,
		Architectures: []lambdatypes.Architecture{lambdatypes.Architecture(f.consumer.Function.Architecture)},
	}
	err := o.retry.do(ctx, o.Timeouts.FunctionState, isResourceConflict, o.wait,
		"function "+name+" to accept an update (another one is in progress)",
		func() error {
			_, err := o.clients.Lambda.UpdateFunctionCode(ctx, in)
			return err
		})
	if err != nil {
		return fmt.Errorf("update code of function %s: %w", name, err)
	}
	return f.waitUpdated(ctx, o)
}

// delete deletes the function. DeleteFunction leaves event source mappings
// behind (L10); the mapping step, which runs first in Down, removes them.
func (f *functionStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	name := o.cfg.FunctionName(f.consumer.Name)
	out, err := o.clients.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: &name})
	if lambdaMissing(err) {
		return Absent, "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read function %s: %w", name, err)
	}
	if !owned(o.cfg.Stack, out.Tags) {
		return Kept, notOwnedReason("function", o.cfg.Stack, out.Tags), nil
	}
	err = o.retry.do(ctx, o.Timeouts.FunctionState, isResourceConflict, o.wait,
		"function "+name+" to finish its update before deletion",
		func() error {
			_, err := o.clients.Lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: &name})
			if lambdaMissing(err) {
				return nil
			}
			return err
		})
	if err != nil {
		return "", "", fmt.Errorf("delete function %s: %w", name, err)
	}
	return Deleted, "", nil
}
