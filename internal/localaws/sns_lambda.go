package localaws

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/edasctl/edasctl/internal/localaws/sns"
)

// snsToLambda delivers d to a lambda subscription: an asynchronous
// invocation of the function with the SNS event Lambda receives, if the
// function's resource-based policy lets sns.amazonaws.com invoke it for
// the topic (AddPermission with the topic as SourceArn, as SNS → Lambda
// requires, https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html).
// A missing function or a refusing policy is a client-side error
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
	event, err := lambdaSNSEvent(d)
	if err != nil {
		return fmt.Errorf("%w: %v", sns.ErrUndeliverable, err)
	}
	return undeliverableIfRefused(p.lambda.InvokeAsyncFromService(d.Endpoint, event))
}

// snsEnvelope is the SNS notification as SNS wraps it for SQS (sns.Envelope).
type snsEnvelope struct {
	Type              string          `json:"Type"`
	MessageID         string          `json:"MessageId"`
	TopicArn          string          `json:"TopicArn"`
	Subject           string          `json:"Subject"`
	Message           string          `json:"Message"`
	Timestamp         string          `json:"Timestamp"`
	SignatureVersion  string          `json:"SignatureVersion"`
	Signature         string          `json:"Signature"`
	SigningCertURL    string          `json:"SigningCertURL"`
	UnsubscribeURL    string          `json:"UnsubscribeURL"`
	MessageAttributes json.RawMessage `json:"MessageAttributes"`
}

// lambdaSNSRecord is one record of the event a function subscribed to a
// topic receives: the envelope's fields with the URLs spelled
// "SigningCertUrl" and "UnsubscribeUrl", and Subject null when there is
// none.
type lambdaSNSRecord struct {
	EventSource          string `json:"EventSource"`
	EventVersion         string `json:"EventVersion"`
	EventSubscriptionArn string `json:"EventSubscriptionArn"`
	Sns                  struct {
		Type              string          `json:"Type"`
		MessageID         string          `json:"MessageId"`
		TopicArn          string          `json:"TopicArn"`
		Subject           *string         `json:"Subject"`
		Message           string          `json:"Message"`
		Timestamp         string          `json:"Timestamp"`
		SignatureVersion  string          `json:"SignatureVersion"`
		Signature         string          `json:"Signature"`
		SigningCertURL    string          `json:"SigningCertUrl"`
		UnsubscribeURL    string          `json:"UnsubscribeUrl"`
		MessageAttributes json.RawMessage `json:"MessageAttributes"`
	} `json:"Sns"`
}

// lambdaSNSEvent renders d as the event a function subscribed to a topic
// receives (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html):
// {"Records": [one lambdaSNSRecord]}.
func lambdaSNSEvent(d sns.Delivery) ([]byte, error) {
	var env snsEnvelope
	if err := json.Unmarshal([]byte(d.Body), &env); err != nil || env.MessageID == "" {
		return nil, errors.New("the notification is not an SNS envelope")
	}
	var r lambdaSNSRecord
	r.EventSource, r.EventVersion, r.EventSubscriptionArn = "aws:sns", "1.0", d.SubscriptionARN
	n := &r.Sns
	n.Type, n.MessageID, n.TopicArn, n.Message, n.Timestamp = env.Type, env.MessageID, env.TopicArn, env.Message, env.Timestamp
	n.SignatureVersion, n.Signature, n.SigningCertURL, n.UnsubscribeURL = env.SignatureVersion, env.Signature, env.SigningCertURL, env.UnsubscribeURL
	n.MessageAttributes = env.MessageAttributes
	if env.Subject != "" {
		n.Subject = &env.Subject
	}
	if len(n.MessageAttributes) == 0 {
		n.MessageAttributes = json.RawMessage("{}")
	}
	return json.Marshal(struct {
		Records []lambdaSNSRecord `json:"Records"`
	}{[]lambdaSNSRecord{r}})
}
