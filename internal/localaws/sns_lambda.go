package localaws

import (
	"fmt"

	"github.com/edasctl/edasctl/internal/localaws/sns"
)

// snsToLambda delivers d to a lambda subscription: an asynchronous
// invocation of the function with the SNS event Lambda receives
// (sns.LambdaEvent), if the function's resource-based policy lets
// sns.amazonaws.com invoke it for the topic (AddPermission with the topic
// as SourceArn, as SNS → Lambda requires,
// https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html). A missing
// function or a refusing policy is a client-side error
// (sns.ErrUndeliverable): dropped, or sent to the subscription's
// dead-letter queue.
func (p *pipeline) snsToLambda(d sns.Delivery) error {
	doc, arn, ok := p.lambda.Policy(d.Endpoint)
	if !ok {
		return fmt.Errorf("%w: function %s does not exist", sns.ErrUndeliverable, d.Endpoint)
	}
	if err := p.serviceMay("sns.amazonaws.com", "lambda:InvokeFunction", arn, d.TopicARN, doc,
		"the function's resource-based policy does not let the topic invoke it"); err != nil {
		return fmt.Errorf("%w: %v", sns.ErrUndeliverable, err)
	}
	event := sns.LambdaEvent(sns.EnvelopeInput{MessageID: d.MessageID, TopicARN: d.TopicARN, SubscriptionARN: d.SubscriptionARN,
		Subject: d.Subject, Message: d.Message, Timestamp: d.Timestamp, Attributes: d.MessageAttributes})
	return undeliverableIfRefused(p.lambda.InvokeAsyncFromService(d.Endpoint, event))
}
