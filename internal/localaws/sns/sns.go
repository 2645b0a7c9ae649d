// Package sns serves the local AWS's Simple Notification Service over the
// query protocol (https://docs.aws.amazon.com/sns/latest/api/Welcome.html):
// topics, subscriptions with their filter policies, publishing and tags.
//
// A publish is durable when acknowledged: each delivery to a matching
// confirmed subscription (its Delivery, with the exact SQS body) has either
// been handed to its endpoint by the Options.Deliver hook or been written
// to the outbox, which a dispatcher drains with DrainOutbox. Standard
// topics only; FIFO topics are refused.
package sns

import (
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/service"
)

const xmlns = "http://sns.amazonaws.com/doc/2010-03-31/"

// maxBody bounds a request body: a 256 KiB message, URL-encoded (up to 3
// bytes per byte), plus attributes; PublishBatch carries 256 KiB in total.
const maxBody = 1 << 20

// Options configure a Service.
type Options struct {
	// Deliver, when not nil, is called for each delivery of a publish
	// before it is acknowledged: a nil error means the endpoint has it
	// durably, an error wrapping ErrUndeliverable drops it, any other error
	// writes it to the outbox for DrainOutbox. Nil stores deliveries in
	// the outbox only.
	Deliver DeliverFunc
	// DeliverBatch, when not nil, is used instead of Deliver to hand over
	// the deliveries of one publish (or batch of publishes) together.
	DeliverBatch DeliverBatchFunc
}

// A Service is the SNS endpoint and its state. It is safe for concurrent
// use; build it with New.
type Service struct {
	env  service.Env
	opts Options

	mu     sync.RWMutex // guards topics and subs
	topics map[string]*topic
	subs   map[string]*subscription

	outbox  outbox
	seq     atomic.Uint64      // last outbox sequence number used
	actions map[string]handler // set by New, read-only after
}

// New loads the SNS state from env.Store and returns the service, storing
// publishes without delivering them.
func New(env service.Env) (*Service, error) { return NewWithOptions(env, Options{}) }

// NewWithOptions is New with options.
func NewWithOptions(env service.Env, opts Options) (*Service, error) {
	s := &Service{
		env:    env,
		opts:   opts,
		topics: map[string]*topic{},
		subs:   map[string]*subscription{},
		outbox: newOutbox(),
	}
	s.actions = s.handlers()
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP serves one query-protocol request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	awsproto.ServeQuery(w, r, "sns", xmlns, s.env.Log, s.serve)
}

// A handler serves one action; it returns the Result element's value (nil
// for none) or an error.
type handler func(c *call) (any, error)

func (s *Service) handlers() map[string]handler {
	return map[string]handler{
		"CreateTopic":               s.createTopic,
		"DeleteTopic":               s.deleteTopic,
		"ListTopics":                s.listTopics,
		"GetTopicAttributes":        s.getTopicAttributes,
		"SetTopicAttributes":        s.setTopicAttributes,
		"Subscribe":                 s.subscribe,
		"Unsubscribe":               s.unsubscribe,
		"ListSubscriptions":         s.listSubscriptions,
		"ListSubscriptionsByTopic":  s.listSubscriptionsByTopic,
		"GetSubscriptionAttributes": s.getSubscriptionAttributes,
		"SetSubscriptionAttributes": s.setSubscriptionAttributes,
		"Publish":                   s.publish,
		"PublishBatch":              s.publishBatch,
		"TagResource":               s.tagResource,
		"UntagResource":             s.untagResource,
		"ListTagsForResource":       s.listTagsForResource,
	}
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request, reqID string) error {
	params, err := awsproto.ReadForm(r, maxBody)
	if err != nil {
		return err
	}
	action := params.Get("Action")
	if action == "" {
		return awsproto.MissingParameter("Action")
	}
	h, ok := s.actions[action]
	if !ok {
		return awsproto.InvalidAction(action)
	}
	region := s.env.Region
	if scope, ok := awsproto.ParseScope(r); ok && scope.Region != "" {
		region = scope.Region
	}
	result, err := h(&call{ctx: r.Context(), params: params, region: region})
	if err != nil {
		return err
	}
	return awsproto.WriteQueryResult(w, action, xmlns, result, reqID)
}
