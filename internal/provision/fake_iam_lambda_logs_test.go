package provision

import (
	"slices"

	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

type fakeRole struct {
	trust    string
	tags     map[string]string
	policies map[string]string
	attached []string
}

type fakeIAM struct{ c *fakeCloud }

var _ IAMAPI = fakeIAM{}

func (f fakeIAM) role(name string) (*fakeRole, error) {
	r := f.c.roles[name]
	if r == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("The role with name " + name + " cannot be found.")}
	}
	return r, nil
}

func (f fakeIAM) roleOut(name string, r *fakeRole) *iamtypes.Role {
	return &iamtypes.Role{
		RoleName: aws.String(name), Arn: aws.String("arn:aws:iam::" + f.c.account + ":role/" + name),
		AssumeRolePolicyDocument: iamEncode(r.trust), Tags: iamTags(r.tags),
	}
}

func (f fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	err := f.c.call("IAM.GetRole", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	return &iam.GetRoleOutput{Role: f.roleOut(*in.RoleName, r)}, nil
}

func (f fakeIAM) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	err := f.c.call("IAM.CreateRole", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.c.roles[*in.RoleName] != nil {
		return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Role exists")}
	}
	r := &fakeRole{trust: *in.AssumeRolePolicyDocument, tags: map[string]string{}, policies: map[string]string{}}
	for _, t := range in.Tags {
		r.tags[*t.Key] = *t.Value
	}
	f.c.roles[*in.RoleName] = r
	return &iam.CreateRoleOutput{Role: f.roleOut(*in.RoleName, r)}, nil
}

func (f fakeIAM) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	err := f.c.call("IAM.UpdateAssumeRolePolicy", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	r.trust = *in.PolicyDocument
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

func (f fakeIAM) DeleteRole(_ context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	err := f.c.call("IAM.DeleteRole", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	if len(r.policies) > 0 || len(r.attached) > 0 {
		return nil, &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete entity, must delete policies first.")}
	}
	delete(f.c.roles, *in.RoleName)
	return &iam.DeleteRoleOutput{}, nil
}

func (f fakeIAM) TagRole(_ context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (*iam.TagRoleOutput, error) {
	err := f.c.call("IAM.TagRole", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		r.tags[*t.Key] = *t.Value
	}
	return &iam.TagRoleOutput{}, nil
}

func (f fakeIAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	err := f.c.call("IAM.GetRolePolicy", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	doc, ok := r.policies[*in.PolicyName]
	if !ok {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("The role policy cannot be found.")}
	}
	return &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: iamEncode(doc)}, nil
}

func (f fakeIAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	err := f.c.call("IAM.PutRolePolicy", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	r.policies[*in.PolicyName] = *in.PolicyDocument
	return &iam.PutRolePolicyOutput{}, nil
}

func (f fakeIAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	err := f.c.call("IAM.ListRolePolicies", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	return &iam.ListRolePoliciesOutput{PolicyNames: sortedKeys(r.policies)}, nil
}

func (f fakeIAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	err := f.c.call("IAM.DeleteRolePolicy", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	delete(r.policies, *in.PolicyName)
	return &iam.DeleteRolePolicyOutput{}, nil
}

func (f fakeIAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	err := f.c.call("IAM.ListAttachedRolePolicies", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	out := &iam.ListAttachedRolePoliciesOutput{}
	for _, a := range r.attached {
		out.AttachedPolicies = append(out.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(a)})
	}
	return out, nil
}

func (f fakeIAM) DetachRolePolicy(_ context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
	err := f.c.call("IAM.DetachRolePolicy", *in.RoleName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := f.role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	for i, a := range r.attached {
		if a == *in.PolicyArn {
			r.attached = append(r.attached[:i], r.attached[i+1:]...)
			break
		}
	}
	return &iam.DetachRolePolicyOutput{}, nil
}

type fakeFunction struct {
	cfg  lambdatypes.FunctionConfiguration
	tags map[string]string
	// pendingFor makes GetFunction report State Pending (after a create) or
	// LastUpdateStatus InProgress (after an update) this many times.
	pendingFor int
	// failed makes GetFunction report State Failed until the function is
	// deleted and created again.
	failed bool
}

type fakeMapping struct {
	cfg lambdatypes.EventSourceMappingConfiguration
	// transitionFor makes GetEventSourceMapping report the transitional
	// state (Creating, Updating, Deleting) this many times.
	transitionFor int
	target        string // the state after the transition
}

type fakeLambda struct{ c *fakeCloud }

var _ LambdaAPI = fakeLambda{}

func notFound(what string) error {
	return &lambdatypes.ResourceNotFoundException{Message: aws.String(what + " not found")}
}

func (f fakeLambda) GetFunction(_ context.Context, in *lambda.GetFunctionInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	err := f.c.call("Lambda.GetFunction", *in.FunctionName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	fn := f.c.functions[*in.FunctionName]
	if fn == nil {
		return nil, notFound("Function " + *in.FunctionName)
	}
	cfg := fn.cfg
	cfg.State, cfg.LastUpdateStatus = lambdatypes.StateActive, lambdatypes.LastUpdateStatusSuccessful
	if fn.pendingFor > 0 {
		fn.pendingFor--
		cfg.State, cfg.LastUpdateStatus = lambdatypes.StatePending, lambdatypes.LastUpdateStatusInProgress
	}
	if fn.failed {
		cfg.State, cfg.StateReasonCode, cfg.StateReason = lambdatypes.StateFailed, lambdatypes.StateReasonCodeInvalidRuntime, aws.String("init failed")
	}
	return &lambda.GetFunctionOutput{Configuration: &cfg, Tags: copyTags(fn.tags)}, nil
}

func (f fakeLambda) CreateFunction(_ context.Context, in *lambda.CreateFunctionInput, _ ...func(*lambda.Options)) (*lambda.CreateFunctionOutput, error) {
	err := f.c.call("Lambda.CreateFunction", *in.FunctionName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.c.functions[*in.FunctionName] != nil {
		return nil, &lambdatypes.ResourceConflictException{Message: aws.String("Function already exist")}
	}
	arn := "arn:aws:lambda:" + f.c.region + ":" + f.c.account + ":function:" + *in.FunctionName
	fn := &fakeFunction{tags: copyTags(in.Tags), cfg: lambdatypes.FunctionConfiguration{
		FunctionName: in.FunctionName, FunctionArn: aws.String(arn), Runtime: in.Runtime, Handler: in.Handler,
		Role: in.Role, MemorySize: in.MemorySize, Timeout: in.Timeout, Architectures: in.Architectures,
		Environment: &lambdatypes.EnvironmentResponse{Variables: copyTags(in.Environment.Variables)},
		CodeSha256:  aws.String(sha(in.Code.ZipFile)),
	}}
	fn.pendingFor = f.c.pendingAfterWrite
	f.c.functions[*in.FunctionName] = fn
	out := fn.cfg
	return &lambda.CreateFunctionOutput{FunctionArn: out.FunctionArn, State: lambdatypes.StatePending}, nil
}

func (f fakeLambda) UpdateFunctionCode(_ context.Context, in *lambda.UpdateFunctionCodeInput, _ ...func(*lambda.Options)) (*lambda.UpdateFunctionCodeOutput, error) {
	err := f.c.call("Lambda.UpdateFunctionCode", *in.FunctionName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	fn := f.c.functions[*in.FunctionName]
	if fn == nil {
		return nil, notFound("Function " + *in.FunctionName)
	}
	fn.cfg.CodeSha256 = aws.String(sha(in.ZipFile))
	fn.cfg.Architectures = in.Architectures
	fn.pendingFor = f.c.pendingAfterWrite
	return &lambda.UpdateFunctionCodeOutput{}, nil
}

func (f fakeLambda) UpdateFunctionConfiguration(_ context.Context, in *lambda.UpdateFunctionConfigurationInput, _ ...func(*lambda.Options)) (*lambda.UpdateFunctionConfigurationOutput, error) {
	err := f.c.call("Lambda.UpdateFunctionConfiguration", *in.FunctionName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	fn := f.c.functions[*in.FunctionName]
	if fn == nil {
		return nil, notFound("Function " + *in.FunctionName)
	}
	c := &fn.cfg
	c.Runtime, c.Handler, c.Role, c.MemorySize, c.Timeout = in.Runtime, in.Handler, in.Role, in.MemorySize, in.Timeout
	c.Environment = &lambdatypes.EnvironmentResponse{Variables: copyTags(in.Environment.Variables)}
	fn.pendingFor = f.c.pendingAfterWrite
	return &lambda.UpdateFunctionConfigurationOutput{}, nil
}

func (f fakeLambda) DeleteFunction(_ context.Context, in *lambda.DeleteFunctionInput, _ ...func(*lambda.Options)) (*lambda.DeleteFunctionOutput, error) {
	err := f.c.call("Lambda.DeleteFunction", *in.FunctionName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.c.functions[*in.FunctionName] == nil {
		return nil, notFound("Function " + *in.FunctionName)
	}
	delete(f.c.functions, *in.FunctionName)
	return &lambda.DeleteFunctionOutput{}, nil
}

func (f fakeLambda) TagResource(_ context.Context, in *lambda.TagResourceInput, _ ...func(*lambda.Options)) (*lambda.TagResourceOutput, error) {
	err := f.c.call("Lambda.TagResource", *in.Resource)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for _, fn := range f.c.functions {
		if aws.ToString(fn.cfg.FunctionArn) == *in.Resource {
			for k, v := range in.Tags {
				fn.tags[k] = v
			}
			return &lambda.TagResourceOutput{}, nil
		}
	}
	return nil, notFound("Resource " + *in.Resource)
}

func (f fakeLambda) ListEventSourceMappings(_ context.Context, in *lambda.ListEventSourceMappingsInput, _ ...func(*lambda.Options)) (*lambda.ListEventSourceMappingsOutput, error) {
	err := f.c.call("Lambda.ListEventSourceMappings", aws.ToString(in.EventSourceArn))
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := &lambda.ListEventSourceMappingsOutput{}
	for _, m := range f.c.mappings {
		if in.EventSourceArn == nil || aws.ToString(m.cfg.EventSourceArn) == *in.EventSourceArn {
			out.EventSourceMappings = append(out.EventSourceMappings, m.cfg)
		}
	}
	return out, nil
}

func (f fakeLambda) GetEventSourceMapping(_ context.Context, in *lambda.GetEventSourceMappingInput, _ ...func(*lambda.Options)) (*lambda.GetEventSourceMappingOutput, error) {
	err := f.c.call("Lambda.GetEventSourceMapping", *in.UUID)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	m := f.c.mappings[*in.UUID]
	if m == nil {
		return nil, notFound("Event source mapping " + *in.UUID)
	}
	if m.transitionFor > 0 {
		m.transitionFor--
	} else if m.target == "" {
		delete(f.c.mappings, *in.UUID)
		return nil, notFound("Event source mapping " + *in.UUID)
	} else {
		m.cfg.State = aws.String(m.target)
	}
	c := m.cfg
	return &lambda.GetEventSourceMappingOutput{UUID: c.UUID, State: c.State, StateTransitionReason: c.StateTransitionReason}, nil
}

func (f fakeLambda) CreateEventSourceMapping(_ context.Context, in *lambda.CreateEventSourceMappingInput, _ ...func(*lambda.Options)) (*lambda.CreateEventSourceMappingOutput, error) {
	err := f.c.call("Lambda.CreateEventSourceMapping", *in.FunctionName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	fn := f.c.functions[*in.FunctionName]
	if fn == nil {
		return nil, notFound("Function " + *in.FunctionName)
	}
	for _, m := range f.c.mappings {
		if aws.ToString(m.cfg.EventSourceArn) == *in.EventSourceArn && aws.ToString(m.cfg.FunctionArn) == aws.ToString(fn.cfg.FunctionArn) {
			return nil, &lambdatypes.ResourceConflictException{Message: aws.String("An event source mapping with SQS arn already exists")}
		}
	}
	uuid := "uuid-" + f.c.nextID()
	m := &fakeMapping{target: mappingEnabled, transitionFor: 1, cfg: lambdatypes.EventSourceMappingConfiguration{
		UUID: aws.String(uuid), EventSourceMappingArn: aws.String("arn:aws:lambda:" + f.c.region + ":" + f.c.account + ":event-source-mapping:" + uuid),
		EventSourceArn: in.EventSourceArn, FunctionArn: fn.cfg.FunctionArn, BatchSize: in.BatchSize,
		MaximumBatchingWindowInSeconds: in.MaximumBatchingWindowInSeconds, ScalingConfig: in.ScalingConfig,
		FunctionResponseTypes: in.FunctionResponseTypes, State: aws.String("Creating"),
		LastProcessingResult: aws.String("No records processed"),
	}}
	f.c.mappings[uuid] = m
	return &lambda.CreateEventSourceMappingOutput{UUID: m.cfg.UUID, EventSourceMappingArn: m.cfg.EventSourceMappingArn, State: m.cfg.State}, nil
}

func (f fakeLambda) UpdateEventSourceMapping(_ context.Context, in *lambda.UpdateEventSourceMappingInput, _ ...func(*lambda.Options)) (*lambda.UpdateEventSourceMappingOutput, error) {
	err := f.c.call("Lambda.UpdateEventSourceMapping", *in.UUID)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	m := f.c.mappings[*in.UUID]
	if m == nil {
		return nil, notFound("Event source mapping " + *in.UUID)
	}
	c := &m.cfg
	c.BatchSize, c.MaximumBatchingWindowInSeconds, c.ScalingConfig, c.FunctionResponseTypes =
		in.BatchSize, in.MaximumBatchingWindowInSeconds, in.ScalingConfig, in.FunctionResponseTypes
	c.State, m.target = aws.String("Updating"), mappingEnabled
	return &lambda.UpdateEventSourceMappingOutput{UUID: c.UUID}, nil
}

func (f fakeLambda) DeleteEventSourceMapping(_ context.Context, in *lambda.DeleteEventSourceMappingInput, _ ...func(*lambda.Options)) (*lambda.DeleteEventSourceMappingOutput, error) {
	err := f.c.call("Lambda.DeleteEventSourceMapping", *in.UUID)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	m := f.c.mappings[*in.UUID]
	if m == nil {
		return nil, notFound("Event source mapping " + *in.UUID)
	}
	m.cfg.State, m.target = aws.String("Deleting"), ""
	return &lambda.DeleteEventSourceMappingOutput{UUID: in.UUID}, nil
}

type fakeGroup struct {
	retention int32
	tags      map[string]string
}

type fakeLogs struct{ c *fakeCloud }

var _ LogsAPI = fakeLogs{}

func (f fakeLogs) groupByARN(arn string) (*fakeGroup, error) {
	for name, g := range f.c.groups {
		if "arn:aws:logs:"+f.c.region+":"+f.c.account+":log-group:"+name == arn {
			return g, nil
		}
	}
	return nil, &logstypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
}

// FilterLogEvents finds nothing: the fake keeps no log events.
func (f fakeLogs) FilterLogEvents(_ context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	err := f.c.call("Logs.FilterLogEvents", aws.ToString(in.LogGroupName))
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return &cloudwatchlogs.FilterLogEventsOutput{}, nil
}

func (f fakeLogs) DescribeLogGroups(_ context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	err := f.c.call("Logs.DescribeLogGroups", aws.ToString(in.LogGroupNamePrefix))
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := &cloudwatchlogs.DescribeLogGroupsOutput{}
	for _, name := range sortedKeysOf(f.c.groups) {
		if len(name) >= len(*in.LogGroupNamePrefix) && name[:len(*in.LogGroupNamePrefix)] == *in.LogGroupNamePrefix {
			g := f.c.groups[name]
			lg := logstypes.LogGroup{LogGroupName: aws.String(name)}
			if g.retention > 0 {
				lg.RetentionInDays = aws.Int32(g.retention)
			}
			out.LogGroups = append(out.LogGroups, lg)
		}
	}
	return out, nil
}

func (f fakeLogs) CreateLogGroup(_ context.Context, in *cloudwatchlogs.CreateLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error) {
	err := f.c.call("Logs.CreateLogGroup", *in.LogGroupName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.c.groups[*in.LogGroupName] != nil {
		return nil, &logstypes.ResourceAlreadyExistsException{Message: aws.String("The specified log group already exists")}
	}
	f.c.groups[*in.LogGroupName] = &fakeGroup{tags: copyTags(in.Tags)}
	return &cloudwatchlogs.CreateLogGroupOutput{}, nil
}

func (f fakeLogs) PutRetentionPolicy(_ context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
	err := f.c.call("Logs.PutRetentionPolicy", *in.LogGroupName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	g := f.c.groups[*in.LogGroupName]
	if g == nil {
		return nil, &logstypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
	}
	g.retention = *in.RetentionInDays
	return &cloudwatchlogs.PutRetentionPolicyOutput{}, nil
}

func (f fakeLogs) ListTagsForResource(_ context.Context, in *cloudwatchlogs.ListTagsForResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
	err := f.c.call("Logs.ListTagsForResource", *in.ResourceArn)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	g, err := f.groupByARN(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &cloudwatchlogs.ListTagsForResourceOutput{Tags: copyTags(g.tags)}, nil
}

func (f fakeLogs) TagResource(_ context.Context, in *cloudwatchlogs.TagResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.TagResourceOutput, error) {
	err := f.c.call("Logs.TagResource", *in.ResourceArn)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	g, err := f.groupByARN(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	for k, v := range in.Tags {
		g.tags[k] = v
	}
	return &cloudwatchlogs.TagResourceOutput{}, nil
}

func (f fakeLogs) DeleteLogGroup(_ context.Context, in *cloudwatchlogs.DeleteLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error) {
	err := f.c.call("Logs.DeleteLogGroup", *in.LogGroupName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.c.groups[*in.LogGroupName] == nil {
		return nil, &logstypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
	}
	delete(f.c.groups, *in.LogGroupName)
	return &cloudwatchlogs.DeleteLogGroupOutput{}, nil
}

func sortedKeysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
