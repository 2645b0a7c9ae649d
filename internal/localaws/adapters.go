package localaws

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/edasctl/edasctl/internal/localaws/esm"
	"github.com/edasctl/edasctl/internal/localaws/iam"
	"github.com/edasctl/edasctl/internal/localaws/lambda"
	"github.com/edasctl/edasctl/internal/localaws/logs"
	"github.com/edasctl/edasctl/internal/localaws/policy"
	"github.com/edasctl/edasctl/internal/localaws/sns"
	"github.com/edasctl/edasctl/internal/localaws/sqs"
)

// This file adapts the services to the small interfaces the others declare
// (STYLE P12): only here do they meet.

// rolePermissions evaluates a role's policies (inline and attached): event
// source mappings check a function's role against its queue, Lambda
// against its dead-letter target and destinations.
type rolePermissions struct{ iam *iam.Service }

func (p rolePermissions) Allowed(roleARN, action, resource string) bool {
	d, ok := p.iam.Evaluate(roleARN, policy.Request{Action: action, Resource: resource})
	return ok && d == policy.Allowed
}

// lambdaRoles lets Lambda ask IAM whether it may assume a role (the role
// exists and its trust policy lets lambda.amazonaws.com sts:AssumeRole) and
// what the role allows.
type lambdaRoles struct{ rolePermissions }

func (r lambdaRoles) CanLambdaAssume(_ context.Context, roleARN string) (bool, error) {
	return r.iam.CanAssume(roleARN, "lambda.amazonaws.com"), nil
}

// lambdaOutbound sends what asynchronous invocations leave behind to SQS
// queues and SNS topics: dead letters with the attributes Lambda sets
// (lambda.DeadLetter), and invocation records as they are.
type lambdaOutbound struct {
	sqs *sqs.Service
	sns *sns.Service
}

func (d lambdaOutbound) SendRecord(ctx context.Context, targetARN string, record []byte) error {
	if strings.HasPrefix(targetARN, "arn:aws:sns:") {
		_, err := d.sns.PublishFromService(ctx, targetARN, string(record), "", nil)
		return err
	}
	return d.sqs.SendFromService(ctx, targetARN, string(record), nil)
}

func (d lambdaOutbound) SendDeadLetter(ctx context.Context, targetARN string, dl lambda.DeadLetter) error {
	code := strconv.Itoa(dl.ErrorCode)
	if strings.HasPrefix(targetARN, "arn:aws:sns:") {
		_, err := d.sns.PublishFromService(ctx, targetARN, dl.Payload, "", map[string]sns.MessageAttribute{
			"RequestID":    {DataType: "String", StringValue: dl.RequestID},
			"ErrorCode":    {DataType: "Number", StringValue: code},
			"ErrorMessage": {DataType: "String", StringValue: dl.ErrorMessage},
		})
		return err
	}
	return d.sqs.SendFromService(ctx, targetARN, dl.Payload, map[string]sqs.MessageAttribute{
		"RequestID":    {DataType: "String", StringValue: dl.RequestID},
		"ErrorCode":    {DataType: "Number", StringValue: code},
		"ErrorMessage": {DataType: "String", StringValue: dl.ErrorMessage},
	})
}

// lambdaLogs writes function output to CloudWatch Logs.
type lambdaLogs struct{ logs *logs.Service }

func (l lambdaLogs) Append(ctx context.Context, group, stream string, evs []lambda.LogEvent) error {
	in := make([]logs.InputEvent, len(evs))
	for i, e := range evs {
		in[i] = logs.InputEvent{Timestamp: e.Timestamp.UnixMilli(), Message: e.Message}
	}
	return l.logs.Append(ctx, group, stream, in)
}

// esmQueues lets the event source mappings poll SQS.
type esmQueues struct{ sqs *sqs.Service }

func (q esmQueues) Receive(ctx context.Context, queueARN string, max int, wait time.Duration) ([]esm.Message, error) {
	msgs, err := q.sqs.Receive(ctx, queueARN, max, wait)
	if err != nil {
		return nil, err
	}
	out := make([]esm.Message, len(msgs))
	for i, m := range msgs {
		attrs := make(map[string]events.SQSMessageAttribute, len(m.MessageAttributes))
		for k, a := range m.MessageAttributes {
			ea := events.SQSMessageAttribute{DataType: a.DataType, BinaryValue: a.BinaryValue}
			if a.StringValue != "" {
				v := a.StringValue
				ea.StringValue = &v
			}
			attrs[k] = ea
		}
		out[i] = esm.Message{MessageID: m.MessageID, ReceiptHandle: m.ReceiptHandle, Body: m.Body, MD5OfBody: m.MD5OfBody,
			MD5OfMessageAttributes: m.MD5OfMessageAttributes, Attributes: m.Attributes, MessageAttributes: attrs}
	}
	return out, nil
}

func (q esmQueues) DeleteBatch(queueARN string, receiptHandles []string) error {
	return q.sqs.DeleteBatch(queueARN, receiptHandles)
}

func (q esmQueues) VisibilityTimeout(queueARN string) (time.Duration, error) {
	return q.sqs.VisibilityTimeout(queueARN)
}

// esmFunctions lets the event source mappings find and invoke functions.
type esmFunctions struct{ lambda *lambda.Service }

func (f esmFunctions) Lookup(nameOrARN string) (esm.Function, bool) {
	info, ok := f.lambda.Function(nameOrARN)
	return esm.Function{Name: info.Name, ARN: info.ARN, Role: info.Role, Timeout: info.Timeout}, ok
}

func (f esmFunctions) InvokeSync(ctx context.Context, name string, payload []byte) ([]byte, string, error) {
	return f.lambda.InvokeSync(ctx, name, payload)
}

// lambdaRouter sends event source mapping paths to the mappings and every
// other Lambda path to the functions: both are the "lambda" SigV4 service.
type lambdaRouter struct {
	functions http.Handler
	mappings  http.Handler
}

func (l lambdaRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, esm.PathPrefix) {
		l.mappings.ServeHTTP(w, r)
		return
	}
	l.functions.ServeHTTP(w, r)
}
