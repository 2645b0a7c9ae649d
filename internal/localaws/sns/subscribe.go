package sns

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"maps"
	"sort"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/sns/filterpolicy"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// pendingARN is what Subscribe and the list actions show for an
// unconfirmed subscription.
const pendingARN = "pending confirmation"

// protocols are the subscription protocols SNS knows, and whether a
// same-account subscription of that protocol is confirmed at once (AWS-RULES
// N2: an SQS queue of the topic owner's account needs no confirmation;
// Lambda, Firehose, SMS and application endpoints neither).
var protocols = map[string]bool{
	"sqs": true, "lambda": true, "firehose": true, "sms": true, "application": true,
	"http": false, "https": false, "email": false, "email-json": false,
}

// subscriptionAttributes are the settable subscription attributes
// (https://docs.aws.amazon.com/sns/latest/api/API_SetSubscriptionAttributes.html).
var subscriptionAttributes = map[string]bool{
	"DeliveryPolicy": true, "FilterPolicy": true, "FilterPolicyScope": true, "RawMessageDelivery": true,
	"RedrivePolicy": true, "SubscriptionRoleArn": true, "ReplayPolicy": true,
}

func (s *Service) subscribe(c *call) (any, error) {
	topicARN, err := c.required("TopicArn")
	if err != nil {
		return nil, err
	}
	protocol, err := c.required("Protocol")
	if err != nil {
		return nil, err
	}
	protocol = strings.ToLower(protocol)
	autoConfirm, known := protocols[protocol]
	if !known {
		return nil, invalidParameter("Amazon SNS does not support this protocol string: %s", protocol)
	}
	endpoint := c.params.Get("Endpoint")
	if err := checkEndpoint(protocol, endpoint); err != nil {
		return nil, err
	}
	if protocol == "sqs" && accountOf(endpoint) != s.env.Account {
		autoConfirm = false // cross-account: the queue owner must confirm
	}
	attrs := awsproto.Entries(c.params, "Attributes")
	if err := checkSubscriptionAttributes(protocol, attrs); err != nil {
		return nil, err
	}
	returnARN := strings.EqualFold(c.params.Get("ReturnSubscriptionArn"), "true")

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.topics[topicARN]; !ok {
		return nil, errTopicNotFound()
	}
	for _, sub := range s.subs {
		if sub.TopicARN != topicARN || sub.Protocol != protocol || sub.Endpoint != endpoint {
			continue
		}
		// Idempotent: the same subscription again returns its ARN.
		if !maps.Equal(sub.Attributes, attrs) {
			return nil, invalidParameter("Attributes Reason: Subscription already exists with different attributes")
		}
		return subscribeResult{SubscriptionArn: shownARN(sub, returnARN)}, nil
	}
	sub := &subscription{
		ARN: topicARN + ":" + newUUID(), TopicARN: topicARN, Protocol: protocol, Endpoint: endpoint,
		Owner: s.env.Account, Confirmed: autoConfirm, Attributes: attrs,
	}
	if err := sub.compileFilter(); err != nil {
		return nil, filterError(err)
	}
	if err := s.putSub(sub); err != nil {
		return nil, err
	}
	s.subs[sub.ARN] = sub
	return subscribeResult{SubscriptionArn: shownARN(sub, returnARN)}, nil
}

func shownARN(sub *subscription, always bool) string {
	if sub.Confirmed || always {
		return sub.ARN
	}
	return pendingARN
}

// checkEndpoint validates a subscription endpoint for its protocol.
func checkEndpoint(protocol, endpoint string) error {
	switch protocol {
	case "sqs":
		if !isARN(endpoint, "sqs") {
			return invalidParameter("SQS endpoint ARN")
		}
	case "lambda":
		if !isARN(endpoint, "lambda") {
			return invalidParameter("Lambda endpoint ARN")
		}
	case "firehose":
		if !isARN(endpoint, "firehose") {
			return invalidParameter("Firehose endpoint ARN")
		}
	case "http", "https":
		if !strings.HasPrefix(strings.ToLower(endpoint), protocol+"://") {
			return invalidParameter("Endpoint must match the specified protocol")
		}
	case "email", "email-json":
		if !strings.Contains(endpoint, "@") {
			return invalidParameter("Email address")
		}
	default:
		if endpoint == "" {
			return invalidParameter("Endpoint")
		}
	}
	return nil
}

// isARN reports whether s is an ARN of service with region, account and
// resource set.
func isARN(s, service string) bool {
	p := strings.SplitN(s, ":", 6)
	return len(p) == 6 && p[0] == "arn" && p[2] == service && p[3] != "" && p[4] != "" && p[5] != ""
}

func accountOf(arn string) string {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 {
		return ""
	}
	return p[4]
}

// checkSubscriptionAttributes validates a set of subscription attributes
// together (FilterPolicy is parsed in the scope the same set gives).
func checkSubscriptionAttributes(protocol string, attrs map[string]string) error {
	for k, v := range attrs {
		if err := checkSubscriptionAttribute(protocol, k, v); err != nil {
			return err
		}
	}
	if doc := attrs["FilterPolicy"]; doc != "" {
		scope := attrs["FilterPolicyScope"]
		if scope == "" {
			scope = string(filterpolicy.MessageAttributes)
		}
		if err := filterpolicy.Valid(doc, filterpolicy.Scope(scope)); err != nil {
			return filterError(err)
		}
	}
	return nil
}

func checkSubscriptionAttribute(protocol, name, value string) error {
	if !subscriptionAttributes[name] {
		return invalidParameter("AttributeName")
	}
	switch name {
	case "RawMessageDelivery":
		if !strings.EqualFold(value, "true") && !strings.EqualFold(value, "false") {
			return invalidParameter("Attributes Reason: RawMessageDelivery: Invalid value [%s]. Must be true or false.", value)
		}
		switch protocol {
		case "sqs", "http", "https", "firehose":
		default:
			return invalidParameter("Attributes Reason: Delivery protocol [%s] does not support raw message delivery.", protocol)
		}
	case "FilterPolicyScope":
		if value != string(filterpolicy.MessageAttributes) && value != string(filterpolicy.MessageBody) {
			return invalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", value)
		}
	case "RedrivePolicy":
		if value == "" {
			return nil
		}
		var rp struct {
			DeadLetterTargetArn *string `json:"deadLetterTargetArn"`
		}
		if err := decodeStrict(value, &rp); err != nil {
			return invalidParameter("RedrivePolicy: failed to parse JSON")
		}
		if rp.DeadLetterTargetArn == nil {
			return invalidParameter("RedrivePolicy: deadLetterTargetArn is missing")
		}
		if !isARN(*rp.DeadLetterTargetArn, "sqs") {
			return invalidParameter("RedrivePolicy: Invalid value for deadLetterTargetArn")
		}
	case "DeliveryPolicy", "ReplayPolicy":
		if value != "" && !validJSONObject(value) {
			return invalidParameter("%s: failed to parse JSON", name)
		}
	}
	return nil
}

// filterError renders a filter policy error as SNS's InvalidParameter.
func filterError(err error) error {
	var fe *filterpolicy.Error
	if errors.As(err, &fe) {
		return &awsproto.Error{Code: "InvalidParameter", Status: 400, Message: fe.Error()}
	}
	return err
}

// unsubscribe deletes a subscription. An unknown but well-formed ARN
// succeeds, as on AWS despite the API reference listing NotFound (observed
// against AWS in https://github.com/getmoto/moto/issues/3000).
func (s *Service) unsubscribe(c *call) (any, error) {
	arn, err := c.required("SubscriptionArn")
	if err != nil {
		return nil, err
	}
	if !isARN(arn, "sns") {
		return nil, invalidParameter("SubscriptionArn")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[arn]
	if !ok {
		return nil, nil
	}
	t := s.topics[sub.TopicARN]
	var next topic
	err = s.env.Store.Update(func(tx *store.Tx) error {
		if t != nil {
			next = *t
			next.SubsGone++
			if err := putJSON(tx, tableTopic, t.ARN, &next); err != nil {
				return err
			}
		}
		return tx.Delete(tableSub, arn)
	})
	if err != nil {
		return nil, err
	}
	if t != nil {
		*t = next
	}
	delete(s.subs, arn)
	return nil, nil
}

// listSubscriptions lists the subscriptions of the request's region.
func (s *Service) listSubscriptions(c *call) (any, error) {
	return s.listSubs(c, "")
}

func (s *Service) listSubscriptionsByTopic(c *call) (any, error) {
	topicARN, err := c.required("TopicArn")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	_, ok := s.topics[topicARN]
	s.mu.RUnlock()
	if !ok {
		return nil, errTopicNotFound()
	}
	return s.listSubs(c, topicARN)
}

// listSubs lists subscriptions (of topicARN, when not empty) in ARN order,
// a page at a time.
func (s *Service) listSubs(c *call, topicARN string) (any, error) {
	after := ""
	if tok := c.params.Get("NextToken"); tok != "" {
		var err error
		if after, err = parsePageToken(tok); err != nil {
			return nil, err
		}
	}
	s.mu.RLock()
	var page []*subscription
	for _, sub := range s.subs {
		inScope := sub.TopicARN == topicARN || topicARN == "" && regionOf(sub.TopicARN) == c.region
		if sub.ARN > after && inScope {
			page = append(page, sub)
		}
	}
	sort.Slice(page, func(i, j int) bool { return page[i].ARN < page[j].ARN })
	res := listSubscriptionsResult{Subscriptions: []subscriptionMember{}}
	for i, sub := range page {
		if i == pageSize {
			res.NextToken = pageToken(page[i-1].ARN)
			break
		}
		shown := sub.ARN
		if !sub.Confirmed {
			shown = "PendingConfirmation"
		}
		res.Subscriptions = append(res.Subscriptions, subscriptionMember{
			SubscriptionArn: shown, Owner: sub.Owner, Protocol: sub.Protocol, Endpoint: sub.Endpoint, TopicArn: sub.TopicARN,
		})
	}
	s.mu.RUnlock()
	return res, nil
}

func (s *Service) getSubscriptionAttributes(c *call) (any, error) {
	arn, err := c.required("SubscriptionArn")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	sub, ok := s.subs[arn]
	if !ok {
		return nil, errSubscriptionNotFound()
	}
	return attributesResult{Attributes: entries(s.subscriptionAttributesLocked(sub))}, nil
}

// subscriptionAttributesLocked returns every attribute
// GetSubscriptionAttributes reports. s.mu must be held.
func (s *Service) subscriptionAttributesLocked(sub *subscription) map[string]string {
	out := maps.Clone(sub.Attributes)
	if out == nil {
		out = map[string]string{}
	}
	if _, ok := out["RawMessageDelivery"]; !ok {
		out["RawMessageDelivery"] = "false"
	}
	if out["FilterPolicy"] != "" && out["FilterPolicyScope"] == "" {
		out["FilterPolicyScope"] = string(filterpolicy.MessageAttributes)
	}
	if sub.Protocol == "http" || sub.Protocol == "https" {
		out["EffectiveDeliveryPolicy"] = defaultDeliveryPolicy
	}
	out["SubscriptionArn"] = sub.ARN
	out["TopicArn"] = sub.TopicARN
	out["Owner"] = sub.Owner
	out["Protocol"] = sub.Protocol
	out["Endpoint"] = sub.Endpoint
	out["ConfirmationWasAuthenticated"] = boolString(sub.Confirmed)
	out["PendingConfirmation"] = boolString(!sub.Confirmed)
	out["SubscriptionPrincipal"] = "arn:aws:iam::" + s.env.Account + ":root"
	return out
}

func (s *Service) setSubscriptionAttributes(c *call) (any, error) {
	arn, err := c.required("SubscriptionArn")
	if err != nil {
		return nil, err
	}
	name, err := c.required("AttributeName")
	if err != nil {
		return nil, err
	}
	value := c.params.Get("AttributeValue")
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[arn]
	if !ok {
		return nil, errSubscriptionNotFound()
	}
	if err := checkSubscriptionAttribute(sub.Protocol, name, value); err != nil {
		return nil, err
	}
	next := *sub
	next.Attributes = maps.Clone(sub.Attributes)
	if next.Attributes == nil {
		next.Attributes = map[string]string{}
	}
	if value == "" {
		delete(next.Attributes, name) // an empty value removes the attribute
	} else {
		next.Attributes[name] = value
	}
	if err := checkSubscriptionAttributes(next.Protocol, next.Attributes); err != nil {
		return nil, err
	}
	if err := next.compileFilter(); err != nil {
		return nil, filterError(err)
	}
	if err := s.putSub(&next); err != nil {
		return nil, err
	}
	*sub = next
	return nil, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// newUUID returns a random version-4 UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
