package provision

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/edasctl/edasctl/internal/config"
)

// Event source mapping states (AWS-RULES L9).
const (
	mappingEnabled   = "Enabled"
	mappingDisabled  = "Disabled"
	mappingDisabling = "Disabling"
)

// mappingStep is the event source mapping from a consumer's queue to its
// function, with partial batch responses (ReportBatchItemFailures, L6).
type mappingStep struct {
	consumer *config.Consumer
}

// find returns the mapping from the queue to the function, or nil. Lambda
// refuses a second mapping for the same pair (L10), so it is looked up by
// (queue ARN, function ARN) before anything is created.
func (m *mappingStep) find(ctx context.Context, o *op) (*lambdatypes.EventSourceMappingConfiguration, error) {
	queue := o.target.queueARN(o.cfg.QueueName(m.consumer.Name))
	fn := o.target.functionARN(o.cfg.FunctionName(m.consumer.Name))
	in := &lambda.ListEventSourceMappingsInput{EventSourceArn: &queue}
	for {
		out, err := o.clients.Lambda.ListEventSourceMappings(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list event source mappings of queue %s: %w", o.cfg.QueueName(m.consumer.Name), err)
		}
		for i := range out.EventSourceMappings {
			if aws.ToString(out.EventSourceMappings[i].FunctionArn) == fn {
				return &out.EventSourceMappings[i], nil
			}
		}
		if out.NextMarker == nil {
			return nil, nil
		}
		in = &lambda.ListEventSourceMappingsInput{EventSourceArn: &queue, Marker: out.NextMarker}
	}
}

// diffs compares a mapping's settings with the plan.
func (m *mappingStep) diffs(c *lambdatypes.EventSourceMappingConfiguration) []Diff {
	var diffs []Diff
	add := func(field string, have, want int) {
		if have != want {
			diffs = append(diffs, Diff{Field: field, Have: strconv.Itoa(have), Want: strconv.Itoa(want)})
		}
	}
	add("BatchSize", int(aws.ToInt32(c.BatchSize)), m.consumer.BatchSize)
	add("MaximumBatchingWindowInSeconds", int(aws.ToInt32(c.MaximumBatchingWindowInSeconds)), m.consumer.BatchWindowSeconds)
	conc := 0
	if c.ScalingConfig != nil {
		conc = int(aws.ToInt32(c.ScalingConfig.MaximumConcurrency))
	}
	add("MaximumConcurrency", conc, m.consumer.MaxConcurrency)
	if !slices.Contains(c.FunctionResponseTypes, lambdatypes.FunctionResponseTypeReportBatchItemFailures) {
		diffs = append(diffs, Diff{Field: "FunctionResponseTypes", Have: fmt.Sprint(c.FunctionResponseTypes), Want: "[ReportBatchItemFailures]"})
	}
	if s := aws.ToString(c.State); s == mappingDisabled || s == mappingDisabling {
		diffs = append(diffs, Diff{Field: "State", Have: s, Want: mappingEnabled})
	}
	return diffs
}

func (m *mappingStep) scaling() *lambdatypes.ScalingConfig {
	if m.consumer.MaxConcurrency == 0 {
		return nil
	}
	return &lambdatypes.ScalingConfig{MaximumConcurrency: aws.Int32(int32(m.consumer.MaxConcurrency))}
}

func (m *mappingStep) observe(ctx context.Context, o *op) (Observation, error) {
	c, err := m.find(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if c == nil {
		return missing("mapping missing"), nil
	}
	return observed(aws.ToString(c.EventSourceMappingArn), m.diffs(c)), nil
}

// ensure creates the mapping, or updates its settings, and waits until it
// is Enabled (L9). CreateEventSourceMapping fails with "does not have
// permissions to call ReceiveMessage" while the role's policy propagates;
// that is retried within Timeouts.MappingPermission (I3). The queue's
// visibility timeout, which Lambda checks against the function timeout
// here (L4), is set by the queue step, a dependency.
func (m *mappingStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	fn := o.cfg.FunctionName(m.consumer.Name)
	c, err := m.find(ctx, o)
	if err != nil {
		return "", "", err
	}
	if c == nil {
		out, cerr := m.create(ctx, o, fn)
		if cerr == nil {
			if err := m.waitEnabled(ctx, o, aws.ToString(out.UUID)); err != nil {
				return "", "", err
			}
			return Created, aws.ToString(out.EventSourceMappingArn), nil
		}
		if !isResourceConflict(cerr) {
			return "", "", cerr
		}
		// Created meanwhile: a CreateEventSourceMapping sent by an
		// interrupted up can land after this up has looked (L10). Converge
		// the mapping that exists.
		if c, err = m.find(ctx, o); err != nil {
			return "", "", err
		}
		if c == nil {
			return "", "", cerr
		}
	}
	arn := aws.ToString(c.EventSourceMappingArn)
	if len(m.diffs(c)) == 0 {
		return Unchanged, arn, nil
	}
	in := &lambda.UpdateEventSourceMappingInput{
		UUID:                           c.UUID,
		FunctionName:                   &fn,
		BatchSize:                      aws.Int32(int32(m.consumer.BatchSize)),
		MaximumBatchingWindowInSeconds: aws.Int32(int32(m.consumer.BatchWindowSeconds)),
		ScalingConfig:                  m.scaling(),
		FunctionResponseTypes:          []lambdatypes.FunctionResponseType{lambdatypes.FunctionResponseTypeReportBatchItemFailures},
		Enabled:                        aws.Bool(true),
	}
	// A mapping in transition (Creating, Updating) refuses updates with
	// ResourceConflictException; that is retried.
	err = o.retry.do(ctx, o.Timeouts.MappingState, isResourceConflict, o.wait,
		"event source mapping of "+fn+" to finish its transition",
		func() error {
			_, err := o.clients.Lambda.UpdateEventSourceMapping(ctx, in)
			return err
		})
	if err != nil {
		return "", "", fmt.Errorf("update event source mapping for function %s: %w", fn, err)
	}
	if err := m.waitEnabled(ctx, o, aws.ToString(c.UUID)); err != nil {
		return "", "", err
	}
	return Updated, arn, nil
}

// create creates the mapping, retrying while the role's queue permissions
// propagate (I3).
func (m *mappingStep) create(ctx context.Context, o *op, fn string) (*lambda.CreateEventSourceMappingOutput, error) {
	queue := o.target.queueARN(o.cfg.QueueName(m.consumer.Name))
	in := &lambda.CreateEventSourceMappingInput{
		FunctionName:                   &fn,
		EventSourceArn:                 &queue,
		BatchSize:                      aws.Int32(int32(m.consumer.BatchSize)),
		MaximumBatchingWindowInSeconds: aws.Int32(int32(m.consumer.BatchWindowSeconds)),
		ScalingConfig:                  m.scaling(),
		FunctionResponseTypes:          []lambdatypes.FunctionResponseType{lambdatypes.FunctionResponseTypeReportBatchItemFailures},
		Enabled:                        aws.Bool(true),
	}
	var out *lambda.CreateEventSourceMappingOutput
	err := o.retry.do(ctx, o.Timeouts.MappingPermission, isMappingPermission, o.wait,
		"IAM to propagate the queue permissions of role "+o.cfg.RoleName(m.consumer.Name),
		func() error {
			var err error
			out, err = o.clients.Lambda.CreateEventSourceMapping(ctx, in)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("create event source mapping for function %s: %w", fn, err)
	}
	return out, nil
}

// waitEnabled polls the mapping until its State is Enabled (L9).
func (m *mappingStep) waitEnabled(ctx context.Context, o *op, uuid string) error {
	fn := o.cfg.FunctionName(m.consumer.Name)
	return o.retry.poll(ctx, o.Timeouts.MappingState, o.wait, "event source mapping of "+fn+" to become Enabled", func() (bool, error) {
		out, err := o.clients.Lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: &uuid})
		if err != nil {
			return false, fmt.Errorf("read event source mapping %s: %w", uuid, err)
		}
		switch s := aws.ToString(out.State); s {
		case mappingEnabled:
			return true, nil
		case mappingDisabled:
			return false, fmt.Errorf("event source mapping %s is Disabled: %s", uuid, aws.ToString(out.StateTransitionReason))
		default:
			return false, nil
		}
	})
}

// delete deletes the mapping and waits until it is gone: a deleted mapping
// stays in Deleting "for several seconds" (L10), and the function and queue
// are deleted only after it. The mapping belongs to the stack when its
// function does; a mapping whose function is gone is deleted too.
func (m *mappingStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	fn := o.cfg.FunctionName(m.consumer.Name)
	c, err := m.find(ctx, o)
	if err != nil {
		return "", "", err
	}
	if c == nil {
		return Absent, "", nil
	}
	f, err := o.clients.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: &fn})
	switch {
	case lambdaMissing(err):
	case err != nil:
		return "", "", fmt.Errorf("read function %s: %w", fn, err)
	case !owned(o.cfg.Stack, f.Tags):
		return Kept, notOwnedReason("function", o.cfg.Stack, f.Tags), nil
	}
	uuid := aws.ToString(c.UUID)
	if aws.ToString(c.State) != "Deleting" {
		err = o.retry.do(ctx, o.Timeouts.MappingState, isResourceConflict, o.wait,
			"event source mapping of "+fn+" to finish its transition before deletion",
			func() error {
				_, err := o.clients.Lambda.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: &uuid})
				if lambdaMissing(err) {
					return nil
				}
				return err
			})
		if err != nil {
			return "", "", fmt.Errorf("delete event source mapping for function %s: %w", fn, err)
		}
	}
	err = o.retry.poll(ctx, o.Timeouts.MappingState, o.wait, "event source mapping of "+fn+" to be deleted", func() (bool, error) {
		_, err := o.clients.Lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: &uuid})
		if lambdaMissing(err) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("read event source mapping %s: %w", uuid, err)
		}
		return false, nil
	})
	if err != nil {
		return "", "", err
	}
	return Deleted, "", nil
}
