package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/edasctl/edasctl/internal/config"
)

// roleStep is a consumer's execution role: a trust policy for Lambda and
// the least-privilege inline policy (AWS-RULES I4, rolePolicy).
type roleStep struct {
	consumer *config.Consumer
}

func iamMissing(err error) bool {
	var nse *iamtypes.NoSuchEntityException
	return errors.As(err, &nse)
}

// outputPrefix returns the prefix an action writes to.
func outputPrefix(action string) string {
	if action == config.ActionCatalog {
		return config.CatalogPrefix
	}
	return config.ThumbnailPrefix
}

func (r *roleStep) wantPolicy(o *op) string {
	n := r.consumer.Name
	return marshalPolicy(rolePolicy(roleGrant{
		BucketARN:    o.target.bucketARN(o.bucket),
		InputPrefix:  o.cfg.Bucket.InputPrefix,
		OutputPrefix: outputPrefix(r.consumer.Action),
		QueueARN:     o.target.queueARN(o.cfg.QueueName(n)),
		LogGroupARN:  o.target.logGroupARN(o.cfg.LogGroupName(n)),
	}))
}

// roleState is what read found; role is nil when the role does not exist.
type roleState struct {
	role        *iamtypes.Role
	trustOK     bool
	policyOK    bool
	tags        map[string]string
	diffs       []Diff
	missingTags map[string]string
}

func (r *roleStep) read(ctx context.Context, o *op) (*roleState, error) {
	name := o.cfg.RoleName(r.consumer.Name)
	out, err := o.clients.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if iamMissing(err) {
		return &roleState{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read role %s: %w", name, err)
	}
	st := &roleState{role: out.Role, tags: map[string]string{}}
	for _, t := range out.Role.Tags {
		st.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	if err := checkOwner("role", name, o.cfg.Stack, st.tags); err != nil {
		return nil, err
	}
	st.trustOK = policiesEqual(aws.ToString(out.Role.AssumeRolePolicyDocument), marshalPolicy(trustPolicy()))
	if !st.trustOK {
		st.diffs = append(st.diffs, Diff{Field: "AssumeRolePolicy", Note: "trust policy differs"})
	}
	pol, err := o.clients.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: &name, PolicyName: aws.String(inlinePolicyName(o.target.Region))})
	switch {
	case iamMissing(err):
		st.diffs = append(st.diffs, Diff{Field: "Policy", Note: "inline policy " + inlinePolicyName(o.target.Region) + " missing"})
	case err != nil:
		return nil, fmt.Errorf("read policy of role %s: %w", name, err)
	default:
		st.policyOK = policiesEqual(aws.ToString(pol.PolicyDocument), r.wantPolicy(o))
		if !st.policyOK {
			st.diffs = append(st.diffs, Diff{Field: "Policy", Note: "inline policy " + inlinePolicyName(o.target.Region) + " differs"})
		}
	}
	want := o.cfg.ResourceTags()
	st.missingTags = missingTags(st.tags, want)
	st.diffs = append(st.diffs, tagDiffs(st.tags, want)...)
	return st, nil
}

func (r *roleStep) observe(ctx context.Context, o *op) (Observation, error) {
	st, err := r.read(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if st.role == nil {
		return missing("role missing"), nil
	}
	return observed(aws.ToString(st.role.Arn), st.diffs), nil
}

// ensure creates the role with its tags and trust policy and puts the
// inline policy, or repairs whichever of them differs. A new role is not
// usable at once (IAM is eventually consistent, AWS-RULES I1): the
// function step retries until Lambda can assume it.
func (r *roleStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	api, name := o.clients.IAM, o.cfg.RoleName(r.consumer.Name)
	st, err := r.read(ctx, o)
	if err != nil {
		return "", "", err
	}
	outcome, arn := Unchanged, ""
	if st.role == nil {
		out, err := api.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName:                 &name,
			AssumeRolePolicyDocument: aws.String(marshalPolicy(trustPolicy())),
			Description:              aws.String("edasctl " + o.cfg.Stack + " consumer " + r.consumer.Name),
			Tags:                     iamTags(o.cfg.ResourceTags()),
		})
		var exists *iamtypes.EntityAlreadyExistsException
		switch {
		case errors.As(err, &exists):
			if st, err = r.read(ctx, o); err != nil {
				return "", "", err
			}
		case err != nil:
			return "", "", fmt.Errorf("create role %s: %w", name, err)
		default:
			outcome, arn = Created, aws.ToString(out.Role.Arn)
			st = &roleState{role: out.Role, trustOK: true}
		}
	}
	if arn == "" {
		arn = aws.ToString(st.role.Arn)
	}
	changed := false
	if !st.trustOK {
		if _, err := api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
			RoleName: &name, PolicyDocument: aws.String(marshalPolicy(trustPolicy())),
		}); err != nil {
			return "", "", fmt.Errorf("set trust policy of role %s: %w", name, err)
		}
		changed = true
	}
	if !st.policyOK {
		if _, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
			RoleName: &name, PolicyName: aws.String(inlinePolicyName(o.target.Region)), PolicyDocument: aws.String(r.wantPolicy(o)),
		}); err != nil {
			return "", "", fmt.Errorf("put policy of role %s: %w", name, err)
		}
		changed = true
	}
	if len(st.missingTags) > 0 {
		if _, err := api.TagRole(ctx, &iam.TagRoleInput{RoleName: &name, Tags: iamTags(st.missingTags)}); err != nil {
			return "", "", fmt.Errorf("tag role %s: %w", name, err)
		}
		changed = true
	}
	if outcome == Unchanged && changed {
		outcome = Updated
	}
	return outcome, arn, nil
}

func iamTags(m map[string]string) []iamtypes.Tag {
	out := make([]iamtypes.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// delete removes the role's inline policies and detaches its managed
// policies, which IAM requires before DeleteRole
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html).
func (r *roleStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	api, name := o.clients.IAM, o.cfg.RoleName(r.consumer.Name)
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if iamMissing(err) {
		return Absent, "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read role %s: %w", name, err)
	}
	tags := map[string]string{}
	for _, t := range out.Role.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	if !owned(o.cfg.Stack, tags) {
		return Kept, notOwnedReason("role", o.cfg.Stack, tags), nil
	}
	pols, err := api.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: &name})
	if err != nil {
		return "", "", fmt.Errorf("list policies of role %s: %w", name, err)
	}
	// Another region of the stack still uses the role: remove only this
	// region's policy.
	mine := inlinePolicyName(o.target.Region)
	var others []string
	for _, p := range pols.PolicyNames {
		if p != mine && strings.HasPrefix(p, inlinePolicyPrefix) {
			others = append(others, strings.TrimPrefix(p, inlinePolicyPrefix))
		}
	}
	if len(others) > 0 {
		if _, err := api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: &name, PolicyName: &mine}); err != nil && !iamMissing(err) {
			return "", "", fmt.Errorf("delete policy %s of role %s: %w", mine, name, err)
		}
		return Kept, fmt.Sprintf("role is shared with region(s) %s of the stack; its %s policy was removed", strings.Join(others, ", "), o.target.Region), nil
	}
	for _, p := range pols.PolicyNames {
		if _, err := api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: &name, PolicyName: aws.String(p)}); err != nil && !iamMissing(err) {
			return "", "", fmt.Errorf("delete policy %s of role %s: %w", p, name, err)
		}
	}
	att, err := api.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: &name})
	if err != nil {
		return "", "", fmt.Errorf("list attached policies of role %s: %w", name, err)
	}
	for _, p := range att.AttachedPolicies {
		if _, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: &name, PolicyArn: p.PolicyArn}); err != nil && !iamMissing(err) {
			return "", "", fmt.Errorf("detach policy %s from role %s: %w", aws.ToString(p.PolicyArn), name, err)
		}
	}
	if _, err := api.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: &name}); err != nil && !iamMissing(err) {
		return "", "", fmt.Errorf("delete role %s: %w", name, err)
	}
	return Deleted, "", nil
}
