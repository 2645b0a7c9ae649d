package sns

import (
	"context"
	"fmt"
	"maps"
	"sort"
)

// This file is the in-process API the rest of the local AWS uses (S3's
// notifications, the SNS→SQS dispatcher).

// A Subscription is a read-only view of one subscription.
type Subscription struct {
	ARN        string
	TopicARN   string
	Protocol   string
	Endpoint   string
	Confirmed  bool
	Attributes map[string]string // the settable attributes that are set
}

// TopicExists reports whether the topic exists.
func (s *Service) TopicExists(topicARN string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.topics[topicARN]
	return ok
}

// TopicPolicy returns the topic's access policy, the default one
// (DefaultTopicPolicy) when none was set; ok is false if the topic does not
// exist.
func (s *Service) TopicPolicy(topicARN string) (doc string, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.topics[topicARN]
	if !ok {
		return "", false
	}
	if p := t.Attributes["Policy"]; p != "" {
		return p, true
	}
	return DefaultTopicPolicy(t.ARN, s.env.Account), true
}

// Subscriptions returns the topic's subscriptions in ARN order; ok is false
// if the topic does not exist.
func (s *Service) Subscriptions(topicARN string) (subs []Subscription, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.topics[topicARN]; !ok {
		return nil, false
	}
	for _, sub := range s.subs {
		if sub.TopicARN == topicARN {
			subs = append(subs, Subscription{ARN: sub.ARN, TopicARN: sub.TopicARN, Protocol: sub.Protocol,
				Endpoint: sub.Endpoint, Confirmed: sub.Confirmed, Attributes: maps.Clone(sub.Attributes)})
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].ARN < subs[j].ARN })
	return subs, true
}

// PublishedCount returns how many messages the topic has accepted (0 for
// an unknown topic).
func (s *Service) PublishedCount(topicARN string) int64 {
	s.mu.RLock()
	t, ok := s.topics[topicARN]
	var pub *pubCounter
	if ok {
		pub = t.pub
	}
	s.mu.RUnlock()
	if !ok {
		return 0
	}
	pub.mu.Lock()
	defer pub.mu.Unlock()
	return pub.n
}

// A ServiceMessage is one message of PublishBatchFromService.
type ServiceMessage struct {
	Message, Subject string
	Attributes       map[string]MessageAttribute
}

// PublishBatchFromService publishes msgs to one topic as
// PublishFromService does, in one durable transaction: the S3 notification
// dispatcher hands over a burst of events at once.
func (s *Service) PublishBatchFromService(ctx context.Context, topicARN string, msgs []ServiceMessage) ([]string, error) {
	ms := make([]message, len(msgs))
	for i, in := range msgs {
		m := message{Body: in.Message, Subject: in.Subject, Attrs: in.Attributes}
		if in.Message == "" {
			return nil, fmt.Errorf("publish to %s: %w", topicARN, invalidParameter("Empty message"))
		}
		for name, a := range in.Attributes {
			if err := checkMessageAttribute(name, a); err != nil {
				return nil, fmt.Errorf("publish to %s: %w", topicARN, err)
			}
		}
		if m.size() > maxMessageBytes {
			return nil, fmt.Errorf("publish to %s: %w", topicARN, invalidParameter("Message too long"))
		}
		ms[i] = m
	}
	ids, err := s.publishMessages(ctx, topicARN, ms)
	if err != nil {
		return nil, fmt.Errorf("publish to %s: %w", topicARN, err)
	}
	return ids, nil
}

// PublishFromService publishes a message on behalf of an AWS service (S3
// event notifications), with the same limits and fan-out as Publish but no
// access check: the caller has checked the topic policy. When it returns
// nil the message is durable in the outbox. An unknown topic gives an
// *awsproto.Error with code "NotFound".
func (s *Service) PublishFromService(ctx context.Context, topicARN, msg, subject string, attrs map[string]MessageAttribute) (messageID string, err error) {
	m := message{Body: msg, Subject: subject, Attrs: attrs}
	if msg == "" {
		return "", fmt.Errorf("publish to %s: %w", topicARN, invalidParameter("Empty message"))
	}
	for name, a := range attrs {
		if err := checkMessageAttribute(name, a); err != nil {
			return "", fmt.Errorf("publish to %s: %w", topicARN, err)
		}
	}
	if m.size() > maxMessageBytes {
		return "", fmt.Errorf("publish to %s: %w", topicARN, invalidParameter("Message too long"))
	}
	ids, err := s.publishMessages(ctx, topicARN, []message{m})
	if err != nil {
		return "", fmt.Errorf("publish to %s: %w", topicARN, err)
	}
	return ids[0], nil
}
