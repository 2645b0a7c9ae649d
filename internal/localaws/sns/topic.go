package sns

import (
	"encoding/json"
	"maps"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/policy"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// topicName is the rule for standard topic names (AWS-RULES N1,
// https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html).
var topicName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// pageSize is the page size of ListTopics and ListSubscriptions(ByTopic).
const pageSize = 100

// topicAttributes are the attributes CreateTopic and SetTopicAttributes
// accept; the delivery-status logging attributes are accepted by suffix.
var topicAttributes = map[string]bool{
	"DeliveryPolicy": true, "DisplayName": true, "Policy": true, "TracingConfig": true,
	"KmsMasterKeyId": true, "SignatureVersion": true, "DataProtectionPolicy": true,
}

func validTopicAttribute(name string) bool {
	if topicAttributes[name] {
		return true
	}
	for _, suffix := range []string{"SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn"} {
		if strings.HasSuffix(name, suffix) && len(name) > len(suffix) {
			return true
		}
	}
	return false
}

// checkTopicAttribute validates one topic attribute's name and value.
func checkTopicAttribute(name, value string) error {
	if name == "FifoTopic" || name == "ContentBasedDeduplication" || name == "ArchivePolicy" || name == "FifoThroughputScope" {
		return invalidParameter("Attributes Reason: FIFO topics are not supported by this local AWS")
	}
	if !validTopicAttribute(name) {
		return invalidParameter("AttributeName")
	}
	switch name {
	case "Policy":
		if _, err := policy.Parse(value, policy.Resource); err != nil {
			return invalidParameter("Policy Error: %s", err)
		}
	case "DeliveryPolicy":
		if !json.Valid([]byte(value)) {
			return invalidParameter("DeliveryPolicy: failed to parse JSON")
		}
	case "SignatureVersion":
		if value != "1" && value != "2" {
			return invalidParameter("Attributes Reason: SignatureVersion must be 1 or 2")
		}
	case "TracingConfig":
		if value != "PassThrough" && value != "Active" {
			return invalidParameter("Attributes Reason: TracingConfig must be PassThrough or Active")
		}
	}
	return nil
}

func (s *Service) createTopic(c *call) (any, error) {
	name, err := c.required("Name")
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(name, ".fifo") {
		return nil, invalidParameter("Topic Name: FIFO topics are not supported by this local AWS")
	}
	if !topicName.MatchString(name) {
		return nil, invalidParameter("Topic Name")
	}
	attrs := awsproto.Entries(c.params, "Attributes")
	for k, v := range attrs {
		if err := checkTopicAttribute(k, v); err != nil {
			return nil, err
		}
	}
	tags, err := parseTags(c)
	if err != nil {
		return nil, err
	}
	arn := s.env.ARN("sns", c.region, name)

	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.topics[arn]; ok {
		// Idempotent: same name, same attributes → same ARN (AWS-RULES N1).
		for k, v := range attrs {
			if t.Attributes[k] != v {
				return nil, invalidParameter("Attributes Reason: Topic already exists with different attributes")
			}
		}
		for k, v := range tags {
			if cur, ok := t.Tags[k]; !ok || cur != v {
				return nil, invalidParameter("Tags Reason: Topic already exists with different tags")
			}
		}
		return createTopicResult{TopicArn: arn}, nil
	}
	t := &topic{ARN: arn, Name: name, Region: c.region, Attributes: attrs, Tags: tags, Created: s.env.Clock.Now(), pub: &pubCounter{}}
	if err := s.putTopic(t); err != nil {
		return nil, err
	}
	s.topics[arn] = t
	return createTopicResult{TopicArn: arn}, nil
}

// deleteTopic deletes a topic and its subscriptions. Deleting a topic
// that does not exist succeeds, as in AWS
// (https://docs.aws.amazon.com/sns/latest/api/API_DeleteTopic.html).
func (s *Service) deleteTopic(c *call) (any, error) {
	arn, err := c.required("TopicArn")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.topics[arn]
	if !ok {
		return nil, nil
	}
	t.pub.deleted.Store(true)
	var gone []string
	for k, sub := range s.subs {
		if sub.TopicARN == arn {
			gone = append(gone, k)
		}
	}
	err = s.env.Store.Update(func(tx *store.Tx) error {
		for _, k := range gone {
			if err := tx.Delete(tableSub, k); err != nil {
				return err
			}
		}
		if err := tx.Delete(tableCount, arn); err != nil {
			return err
		}
		return tx.Delete(tableTopic, arn)
	})
	if err != nil {
		t.pub.deleted.Store(false)
		return nil, err
	}
	for _, k := range gone {
		delete(s.subs, k)
	}
	delete(s.topics, arn)
	return nil, nil
}

func (s *Service) listTopics(c *call) (any, error) {
	after := ""
	if tok := c.params.Get("NextToken"); tok != "" {
		var err error
		if after, err = parsePageToken(tok); err != nil {
			return nil, err
		}
	}
	s.mu.RLock()
	arns := make([]string, 0, len(s.topics))
	for arn, t := range s.topics {
		if arn > after && t.Region == c.region { // ListTopics is regional
			arns = append(arns, arn)
		}
	}
	s.mu.RUnlock()
	sort.Strings(arns)
	var res listTopicsResult
	for i, arn := range arns {
		if i == pageSize {
			res.NextToken = pageToken(arns[i-1])
			break
		}
		res.Topics = append(res.Topics, topicMember{TopicArn: arn})
	}
	return res, nil
}

func (s *Service) getTopicAttributes(c *call) (any, error) {
	arn, err := c.required("TopicArn")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.topics[arn]
	if !ok {
		return nil, errTopicNotFound()
	}
	return attributesResult{Attributes: entries(s.topicAttributesLocked(t))}, nil
}

// topicAttributesLocked returns every attribute GetTopicAttributes reports.
// s.mu must be held.
func (s *Service) topicAttributesLocked(t *topic) map[string]string {
	out := maps.Clone(t.Attributes)
	if out == nil {
		out = map[string]string{}
	}
	if out["Policy"] == "" {
		out["Policy"] = DefaultTopicPolicy(t.ARN, s.env.Account)
	}
	if _, ok := out["DisplayName"]; !ok {
		out["DisplayName"] = ""
	}
	if out["DeliveryPolicy"] != "" {
		out["EffectiveDeliveryPolicy"] = out["DeliveryPolicy"]
	} else {
		out["EffectiveDeliveryPolicy"] = defaultDeliveryPolicy
	}
	var confirmed, pending int
	for _, sub := range s.subs {
		if sub.TopicARN != t.ARN {
			continue
		}
		if sub.Confirmed {
			confirmed++
		} else {
			pending++
		}
	}
	out["Owner"] = s.env.Account
	out["TopicArn"] = t.ARN
	out["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
	out["SubscriptionsPending"] = strconv.Itoa(pending)
	out["SubscriptionsDeleted"] = strconv.FormatInt(t.SubsGone, 10)
	return out
}

func (s *Service) setTopicAttributes(c *call) (any, error) {
	arn, err := c.required("TopicArn")
	if err != nil {
		return nil, err
	}
	name, err := c.required("AttributeName")
	if err != nil {
		return nil, err
	}
	value := c.params.Get("AttributeValue")
	if value == "" && name != "FifoTopic" {
		if !validTopicAttribute(name) {
			return nil, invalidParameter("AttributeName")
		}
	} else if err := checkTopicAttribute(name, value); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.topics[arn]
	if !ok {
		return nil, errTopicNotFound()
	}
	next := *t
	next.Attributes = maps.Clone(t.Attributes)
	if next.Attributes == nil {
		next.Attributes = map[string]string{}
	}
	if value == "" {
		delete(next.Attributes, name) // an empty value resets to the default
	} else {
		next.Attributes[name] = value
	}
	if err := s.putTopic(&next); err != nil {
		return nil, err
	}
	*t = next
	return nil, nil
}

// defaultDeliveryPolicy is the EffectiveDeliveryPolicy of a topic without a
// DeliveryPolicy, as AWS reports it.
const defaultDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

// DefaultTopicPolicy returns the access policy AWS gives a topic whose
// Policy was never set: the owner account may administer, subscribe to and
// publish to it (the "__default_statement_ID" statement; see
// https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
func DefaultTopicPolicy(topicARN, account string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":"` + topicARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + account + `"}}}]}`
}
