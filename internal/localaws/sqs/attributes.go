package sqs

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Queue attribute limits and defaults, from SetQueueAttributes in the SQS
// API reference (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html)
// and the aws-sdk-go-v2 sqs docs: MaximumMessageSize is 1,024 bytes to
// 1,048,576 bytes (1 MiB), default 1 MiB.
const (
	maxMessageSizeLimit   = 1 << 20
	defaultVisibility     = 30
	defaultRetention      = 345600
	maxVisibility         = 43200
	maxDelay              = 900
	maxWait               = 20
	minRetention          = 60
	maxRetention          = 1209600
	minMessageSize        = 1024
	defaultKMSReuse       = 300
	maxReceiveCountLimit  = 1000
	maxRedriveAllowSource = 10
)

// queueAttrs are a queue's settable attributes, as stored.
type queueAttrs struct {
	VisibilityTimeout             int            `json:"vt"`
	MessageRetentionPeriod        int            `json:"ret"`
	MaximumMessageSize            int            `json:"max"`
	DelaySeconds                  int            `json:"delay"`
	ReceiveMessageWaitTimeSeconds int            `json:"wait"`
	Policy                        string         `json:"policy,omitempty"`
	RedrivePolicy                 *redrivePolicy `json:"redrive,omitempty"`
	RedriveAllowPolicy            string         `json:"allow,omitempty"`
	KmsMasterKeyID                string         `json:"kms,omitempty"`
	KmsDataKeyReusePeriodSeconds  int            `json:"kmsReuse"`
	SqsManagedSseEnabled          bool           `json:"sse"`
}

// A redrivePolicy sends a message to DeadLetterTargetArn when a receive
// would take its receive count past MaxReceiveCount.
type redrivePolicy struct {
	DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	MaxReceiveCount     int    `json:"maxReceiveCount"`
}

// defaultAttrs are a new queue's attributes. New queues get SSE-SQS
// (AWS-RULES Q6).
func defaultAttrs() queueAttrs {
	return queueAttrs{VisibilityTimeout: defaultVisibility, MessageRetentionPeriod: defaultRetention,
		MaximumMessageSize: maxMessageSizeLimit, KmsDataKeyReusePeriodSeconds: defaultKMSReuse, SqsManagedSseEnabled: true}
}

// settable lists the attributes SetQueueAttributes and CreateQueue accept.
var settable = map[string]bool{
	"VisibilityTimeout": true, "MessageRetentionPeriod": true, "MaximumMessageSize": true, "DelaySeconds": true,
	"ReceiveMessageWaitTimeSeconds": true, "Policy": true, "RedrivePolicy": true, "RedriveAllowPolicy": true,
	"KmsMasterKeyId": true, "KmsDataKeyReusePeriodSeconds": true, "SqsManagedSseEnabled": true,
}

// fifoOnly lists the FIFO attributes, refused because FIFO queues are not served.
var fifoOnly = map[string]bool{
	"FifoQueue": true, "ContentBasedDeduplication": true, "DeduplicationScope": true, "FifoThroughputLimit": true,
}

// readable lists every attribute GetQueueAttributes knows, in the order All
// returns them.
var readable = []string{
	"QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
	"ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp", "VisibilityTimeout",
	"MaximumMessageSize", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "Policy",
	"RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
}

// dlqLookup reports whether a queue with the given ARN exists, and its
// RedriveAllowPolicy, for validating a RedrivePolicy.
type dlqLookup func(arn string) (allow string, ok bool)

// applyAttrs returns cur with the attributes in set applied, validating each
// as SetQueueAttributes does. sourceARN is the queue being configured.
func applyAttrs(cur queueAttrs, set map[string]string, sourceARN string, dlq dlqLookup) (queueAttrs, error) {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	a := cur
	for _, name := range names {
		v := set[name]
		var err error
		switch name {
		case "VisibilityTimeout":
			a.VisibilityTimeout, err = intAttr(name, v, 0, maxVisibility)
		case "MessageRetentionPeriod":
			a.MessageRetentionPeriod, err = intAttr(name, v, minRetention, maxRetention)
		case "MaximumMessageSize":
			a.MaximumMessageSize, err = intAttr(name, v, minMessageSize, maxMessageSizeLimit)
		case "DelaySeconds":
			a.DelaySeconds, err = intAttr(name, v, 0, maxDelay)
		case "ReceiveMessageWaitTimeSeconds":
			a.ReceiveMessageWaitTimeSeconds, err = intAttr(name, v, 0, maxWait)
		case "KmsDataKeyReusePeriodSeconds":
			a.KmsDataKeyReusePeriodSeconds, err = intAttr(name, v, 60, 86400)
		case "Policy":
			if v != "" && !json.Valid([]byte(v)) {
				err = errInvalidAttributeValue(name, "Policy is not valid JSON.")
			}
			a.Policy = v
		case "RedrivePolicy":
			a.RedrivePolicy, err = parseRedrivePolicy(v, sourceARN, dlq)
		case "RedriveAllowPolicy":
			err = validateRedriveAllow(v)
			a.RedriveAllowPolicy = v
		case "KmsMasterKeyId":
			a.KmsMasterKeyID = v
			if v != "" {
				a.SqsManagedSseEnabled = false
			}
		case "SqsManagedSseEnabled":
			switch strings.ToLower(v) {
			case "true":
				a.SqsManagedSseEnabled = true
			case "false":
				a.SqsManagedSseEnabled = false
			default:
				err = errInvalidAttributeValue(name, "")
			}
		default:
			if fifoOnly[name] {
				return cur, errFIFOUnsupported()
			}
			return cur, errInvalidAttributeName(name)
		}
		if err != nil {
			return cur, err
		}
	}
	if a.SqsManagedSseEnabled && a.KmsMasterKeyID != "" {
		if _, setKMS := set["KmsMasterKeyId"]; setKMS {
			return cur, errInvalidAttributeValue("SqsManagedSseEnabled", "You can use one type of server-side encryption (SSE) at one time: SSE-KMS or SSE-SQS.")
		}
		a.KmsMasterKeyID = "" // turning SSE-SQS on replaces SSE-KMS
	}
	return a, nil
}

func errFIFOUnsupported() *awsproto.Error {
	return errInvalidParameter("FIFO queues are not supported by this local AWS yet; use a standard queue.")
}

func intAttr(name, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		return 0, errInvalidAttributeValue(name, "Must be an integer from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+".")
	}
	return n, nil
}

// parseRedrivePolicy validates a RedrivePolicy: JSON with deadLetterTargetArn
// naming an existing queue and maxReceiveCount 1–1000, given as a number or a
// string (AWS-RULES Q4). The empty string removes the policy.
func parseRedrivePolicy(v, sourceARN string, dlq dlqLookup) (*redrivePolicy, error) {
	if v == "" {
		return nil, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return nil, errInvalidParameter("Value %s for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map.", v)
	}
	var p redrivePolicy
	if err := json.Unmarshal(raw["deadLetterTargetArn"], &p.DeadLetterTargetArn); err != nil || p.DeadLetterTargetArn == "" {
		return nil, errInvalidParameter("Value %s for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: deadLetterTargetArn.", v)
	}
	count, ok := jsonInt(raw["maxReceiveCount"])
	if !ok || count < 1 || count > maxReceiveCountLimit {
		return nil, errInvalidParameter("Value %s for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: %s, valid values are from 1 to 1000 both inclusive.", v, string(raw["maxReceiveCount"]))
	}
	p.MaxReceiveCount = count
	allow, exists := dlq(p.DeadLetterTargetArn)
	if !exists {
		return nil, errInvalidParameter("Value %s for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.", v)
	}
	if !redriveAllowed(allow, sourceARN) {
		return nil, errInvalidParameter("Value %s for parameter RedrivePolicy is invalid. Reason: Dead-letter queue's RedriveAllowPolicy does not allow this source queue.", v)
	}
	return &p, nil
}

func jsonInt(raw json.RawMessage) (int, bool) {
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		return n, true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// redriveAllow is a RedriveAllowPolicy
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html).
type redriveAllow struct {
	RedrivePermission string   `json:"redrivePermission"`
	SourceQueueArns   []string `json:"sourceQueueArns"`
}

func validateRedriveAllow(v string) error {
	if v == "" {
		return nil
	}
	var p redriveAllow
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return errInvalidAttributeValue("RedriveAllowPolicy", "Redrive allow policy is not a valid JSON map.")
	}
	switch p.RedrivePermission {
	case "allowAll", "denyAll":
		if len(p.SourceQueueArns) > 0 {
			return errInvalidAttributeValue("RedriveAllowPolicy", "sourceQueueArns is allowed only with redrivePermission byQueue.")
		}
	case "byQueue":
		if len(p.SourceQueueArns) < 1 || len(p.SourceQueueArns) > maxRedriveAllowSource {
			return errInvalidAttributeValue("RedriveAllowPolicy", "byQueue needs 1 to 10 sourceQueueArns.")
		}
	default:
		return errInvalidAttributeValue("RedriveAllowPolicy", "redrivePermission must be allowAll, denyAll or byQueue.")
	}
	return nil
}

// redriveAllowed reports whether a dead-letter queue with RedriveAllowPolicy
// allow accepts messages from sourceARN.
func redriveAllowed(allow, sourceARN string) bool {
	if allow == "" {
		return true
	}
	var p redriveAllow
	if json.Unmarshal([]byte(allow), &p) != nil {
		return true
	}
	switch p.RedrivePermission {
	case "denyAll":
		return false
	case "byQueue":
		for _, a := range p.SourceQueueArns {
			if a == sourceARN {
				return true
			}
		}
		return false
	}
	return true
}

// attrValue renders one attribute of q as GetQueueAttributes returns it; ok
// is false for an unset optional attribute. q.mu must be held and
// q.advance called.
func (q *queue) attrValue(name string) (v string, ok bool) {
	a := q.attrs
	itoa := strconv.Itoa
	switch name {
	case "QueueArn":
		return q.arn, true
	case "ApproximateNumberOfMessages":
		return itoa(q.ready.n), true
	case "ApproximateNumberOfMessagesNotVisible":
		return itoa(q.nInflight), true
	case "ApproximateNumberOfMessagesDelayed":
		return itoa(q.nDelayed), true
	case "CreatedTimestamp":
		return strconv.FormatInt(q.created.Unix(), 10), true
	case "LastModifiedTimestamp":
		return strconv.FormatInt(q.modified.Unix(), 10), true
	}
	return a.value(name)
}

// value renders a settable attribute; ok is false for an unset optional one.
func (a queueAttrs) value(name string) (string, bool) {
	itoa := strconv.Itoa
	switch name {
	case "VisibilityTimeout":
		return itoa(a.VisibilityTimeout), true
	case "MaximumMessageSize":
		return itoa(a.MaximumMessageSize), true
	case "MessageRetentionPeriod":
		return itoa(a.MessageRetentionPeriod), true
	case "DelaySeconds":
		return itoa(a.DelaySeconds), true
	case "ReceiveMessageWaitTimeSeconds":
		return itoa(a.ReceiveMessageWaitTimeSeconds), true
	case "Policy":
		return a.Policy, a.Policy != ""
	case "RedrivePolicy":
		if a.RedrivePolicy == nil {
			return "", false
		}
		b, _ := json.Marshal(a.RedrivePolicy)
		return string(b), true
	case "RedriveAllowPolicy":
		return a.RedriveAllowPolicy, a.RedriveAllowPolicy != ""
	case "KmsMasterKeyId":
		return a.KmsMasterKeyID, a.KmsMasterKeyID != ""
	case "KmsDataKeyReusePeriodSeconds":
		return itoa(a.KmsDataKeyReusePeriodSeconds), a.KmsMasterKeyID != ""
	case "SqsManagedSseEnabled":
		return strconv.FormatBool(a.SqsManagedSseEnabled), true
	}
	return "", false
}

// queueAttributes returns the attributes of q named in names ("All" for
// every one). q.mu must be held.
func (q *queue) queueAttributes(names []string, now time.Time) (map[string]string, error) {
	q.advance(now)
	out := map[string]string{}
	for _, n := range names {
		if n == "All" {
			for _, r := range readable {
				if v, ok := q.attrValue(r); ok {
					out[r] = v
				}
			}
			continue
		}
		if !isReadable(n) {
			if fifoOnly[n] {
				continue // a standard queue has none of these
			}
			return nil, errInvalidAttributeName(n)
		}
		if v, ok := q.attrValue(n); ok {
			out[n] = v
		}
	}
	return out, nil
}

func isReadable(name string) bool {
	for _, r := range readable {
		if r == name {
			return true
		}
	}
	return false
}
