package provision

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/edasctl/edasctl/internal/config"
)

// logGroupStep is a consumer function's log group, created before the
// function so that Lambda does not create it itself, untagged and without
// retention (L13).
type logGroupStep struct {
	consumer *config.Consumer
}

func logsMissing(err error) bool {
	var nf *logstypes.ResourceNotFoundException
	return errors.As(err, &nf)
}

// find returns the log group, or nil. DescribeLogGroups matches by prefix,
// so the answer is searched for the exact name.
func (l *logGroupStep) find(ctx context.Context, o *op) (*logstypes.LogGroup, error) {
	name := o.cfg.LogGroupName(l.consumer.Name)
	in := &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: &name}
	for {
		out, err := o.clients.Logs.DescribeLogGroups(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("read log group %s: %w", name, err)
		}
		for i := range out.LogGroups {
			if aws.ToString(out.LogGroups[i].LogGroupName) == name {
				return &out.LogGroups[i], nil
			}
		}
		if out.NextToken == nil {
			return nil, nil
		}
		in = &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: &name, NextToken: out.NextToken}
	}
}

func (l *logGroupStep) tags(ctx context.Context, o *op) (map[string]string, error) {
	arn := o.target.logGroupARN(o.cfg.LogGroupName(l.consumer.Name))
	out, err := o.clients.Logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: &arn})
	if err != nil {
		return nil, fmt.Errorf("read tags of log group %s: %w", o.cfg.LogGroupName(l.consumer.Name), err)
	}
	if out.Tags == nil {
		return map[string]string{}, nil
	}
	return out.Tags, nil
}

// read returns the group (nil when missing), its tags and the differences.
func (l *logGroupStep) read(ctx context.Context, o *op) (*logstypes.LogGroup, map[string]string, []Diff, error) {
	g, err := l.find(ctx, o)
	if err != nil || g == nil {
		return nil, nil, nil, err
	}
	tags, err := l.tags(ctx, o)
	if err != nil {
		return nil, nil, nil, err
	}
	name := o.cfg.LogGroupName(l.consumer.Name)
	if err := checkOwner("log group", name, o.cfg.Stack, tags); err != nil {
		return nil, nil, nil, err
	}
	var diffs []Diff
	if have, want := int(aws.ToInt32(g.RetentionInDays)), o.cfg.Logs.RetentionDays; have != want {
		h := strconv.Itoa(have)
		if have == 0 {
			h = "never expire"
		}
		diffs = append(diffs, Diff{Field: "RetentionInDays", Have: h, Want: strconv.Itoa(want)})
	}
	diffs = append(diffs, tagDiffs(tags, o.cfg.ResourceTags())...)
	return g, tags, diffs, nil
}

func (l *logGroupStep) observe(ctx context.Context, o *op) (Observation, error) {
	g, _, diffs, err := l.read(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if g == nil {
		return missing("log group missing"), nil
	}
	return observed(o.target.logGroupARN(o.cfg.LogGroupName(l.consumer.Name)), diffs), nil
}

func (l *logGroupStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	api, name := o.clients.Logs, o.cfg.LogGroupName(l.consumer.Name)
	arn := o.target.logGroupARN(name)
	g, have, _, err := l.read(ctx, o)
	if err != nil {
		return "", "", err
	}
	outcome := Unchanged
	var retention int32
	if g == nil {
		_, err := api.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &name, Tags: o.cfg.ResourceTags()})
		var exists *logstypes.ResourceAlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return "", "", fmt.Errorf("create log group %s: %w", name, err)
		}
		outcome, have = Created, o.cfg.ResourceTags()
	} else {
		retention = aws.ToInt32(g.RetentionInDays)
	}
	if want := int32(o.cfg.Logs.RetentionDays); retention != want {
		if _, err := api.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: &name, RetentionInDays: &want}); err != nil {
			return "", "", fmt.Errorf("set retention of log group %s: %w", name, err)
		}
		if outcome == Unchanged {
			outcome = Updated
		}
	}
	if add := missingTags(have, o.cfg.ResourceTags()); len(add) > 0 {
		if _, err := api.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: &arn, Tags: add}); err != nil {
			return "", "", fmt.Errorf("tag log group %s: %w", name, err)
		}
		if outcome == Unchanged {
			outcome = Updated
		}
	}
	return outcome, arn, nil
}

func (l *logGroupStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	name := o.cfg.LogGroupName(l.consumer.Name)
	g, err := l.find(ctx, o)
	if err != nil {
		return "", "", err
	}
	if g == nil {
		return Absent, "", nil
	}
	tags, err := l.tags(ctx, o)
	if err != nil {
		return "", "", err
	}
	if !owned(o.cfg.Stack, tags) {
		return Kept, notOwnedReason("log group", o.cfg.Stack, tags), nil
	}
	if o.KeepLogs {
		return Kept, "kept on request (--keep-logs)", nil
	}
	if _, err := o.clients.Logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: &name}); err != nil && !logsMissing(err) {
		return "", "", fmt.Errorf("delete log group %s: %w", name, err)
	}
	return Deleted, "", nil
}
