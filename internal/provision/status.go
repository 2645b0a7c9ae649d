package provision

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// A StatusReport is the pipeline as it is: every resource's state, in plan
// order, and each consumer's live figures.
type StatusReport struct {
	Resources     []Result         `json:"resources"`
	Consumers     []ConsumerStatus `json:"consumers"`
	Notifications Notifications    `json:"notifications"`
}

// Healthy reports whether every resource is OK; the CLI exits non-zero
// otherwise.
func (r StatusReport) Healthy() bool {
	for _, res := range r.Resources {
		if res.State != OK {
			return false
		}
	}
	return true
}

// A ConsumerStatus holds one consumer's queue depths, mapping state and
// function state. Zero values mean the resource was not found.
type ConsumerStatus struct {
	Name     string         `json:"name"`
	Queue    QueueDepth     `json:"queue"`
	DLQ      QueueDepth     `json:"dlq"`
	Mapping  MappingStatus  `json:"mapping"`
	Function FunctionStatus `json:"function"`
}

// A QueueDepth holds SQS's approximate counters (AWS-RULES Q7: they are
// approximate and should be labelled so).
type QueueDepth struct {
	Name     string `json:"name"`
	Exists   bool   `json:"exists"`
	Visible  int    `json:"approximateNumberOfMessages"`
	InFlight int    `json:"approximateNumberOfMessagesNotVisible"`
	Delayed  int    `json:"approximateNumberOfMessagesDelayed"`
}

// A MappingStatus is the event source mapping's state (L9).
type MappingStatus struct {
	State                 string `json:"state,omitempty"`
	StateTransitionReason string `json:"stateTransitionReason,omitempty"`
	LastProcessingResult  string `json:"lastProcessingResult,omitempty"`
}

// A FunctionStatus is the function's state (L1).
type FunctionStatus struct {
	State            string `json:"state,omitempty"`
	StateReason      string `json:"stateReason,omitempty"`
	LastUpdateStatus string `json:"lastUpdateStatus,omitempty"`
}

// Status observes every resource (in parallel) and reads each consumer's
// queue and DLQ depths, mapping state, last processing result and function
// state. A resource tagged for another stack is Drifted with the reason.
// The error joins read failures; the report holds everything that was read.
func (p *Plan) Status(ctx context.Context) (StatusReport, error) {
	p.begin()
	defer p.end()
	var (
		report StatusReport
		obs    []Observation
		oerrs  []error
		cerrs  []error
		wg     sync.WaitGroup
	)
	report.Consumers = make([]ConsumerStatus, len(p.cfg.Consumers))
	cerrs = make([]error, len(p.cfg.Consumers))
	var nerr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		obs, oerrs = p.observeAll(ctx)
	}()
	go func() {
		defer wg.Done()
		report.Notifications, nerr = p.notifications(ctx)
	}()
	for i := range p.cfg.Consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			report.Consumers[i], cerrs[i] = p.consumerStatus(ctx, p.cfg.Consumers[i].Name)
		}()
	}
	wg.Wait()
	var failed []error
	for i, s := range p.Steps {
		r := s.result()
		var foreign *ForeignError
		switch err := oerrs[i]; {
		case errors.As(err, &foreign):
			r.State, r.Reason = Drifted, err.Error()
		case err != nil:
			r.Reason = err.Error()
			failed = append(failed, &StepError{Step: s.ID, Err: err})
		default:
			r.State, r.ARN, r.Reason, r.Diffs = obs[i].State, obs[i].ARN, obs[i].Reason, obs[i].Diffs
		}
		report.Resources = append(report.Resources, r)
	}
	failed = append(failed, cerrs...)
	if nerr != nil {
		failed = append(failed, fmt.Errorf("look for the S3 test event: %w", nerr))
	}
	return report, errors.Join(failed...)
}

// consumerStatus reads one consumer's live figures.
func (p *Plan) consumerStatus(ctx context.Context, consumer string) (ConsumerStatus, error) {
	cs := ConsumerStatus{Name: consumer}
	var err error
	if cs.Queue, err = p.queueDepth(ctx, p.cfg.QueueName(consumer)); err != nil {
		return cs, err
	}
	if cs.DLQ, err = p.queueDepth(ctx, p.cfg.DLQName(consumer)); err != nil {
		return cs, err
	}
	fn := p.cfg.FunctionName(consumer)
	out, err := p.clients.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: &fn})
	switch {
	case lambdaMissing(err):
	case err != nil:
		return cs, err
	case out.Configuration != nil:
		c := out.Configuration
		cs.Function = FunctionStatus{State: string(c.State), StateReason: aws.ToString(c.StateReason), LastUpdateStatus: string(c.LastUpdateStatus)}
	}
	for _, s := range p.Steps {
		m, ok := s.res.(*mappingStep)
		if !ok || m.consumer.Name != consumer {
			continue
		}
		c, err := m.find(ctx, p.op(s))
		if err != nil {
			return cs, err
		}
		if c != nil {
			cs.Mapping = MappingStatus{
				State:                 aws.ToString(c.State),
				StateTransitionReason: aws.ToString(c.StateTransitionReason),
				LastProcessingResult:  aws.ToString(c.LastProcessingResult),
			}
		}
	}
	return cs, nil
}

// queueDepth reads a queue's approximate counters.
func (p *Plan) queueDepth(ctx context.Context, name string) (QueueDepth, error) {
	d := QueueDepth{Name: name}
	url, err := queueURL(ctx, p.clients.SQS, name)
	if err != nil || url == "" {
		return d, err
	}
	attrs, err := queueAttributes(ctx, p.clients.SQS, name, url,
		sqstypes.QueueAttributeNameApproximateNumberOfMessages,
		sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed)
	if err != nil {
		return d, err
	}
	d.Exists = true
	d.Visible, _ = strconv.Atoi(attrs[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)])
	d.InFlight, _ = strconv.Atoi(attrs[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	d.Delayed, _ = strconv.Atoi(attrs[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed)])
	return d, nil
}
