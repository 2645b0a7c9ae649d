package sns

import (
	"encoding/base64"
	"sort"
)

// Result shapes of the query protocol's XML responses, per the SNS API
// reference (https://docs.aws.amazon.com/sns/latest/api/API_Operations.html).

// entry is one element of an attribute map: <entry><key/><value/></entry>.
type entry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

// entries renders a map as sorted <entry> elements.
func entries(m map[string]string) []entry {
	out := make([]entry, 0, len(m))
	for k, v := range m {
		out = append(out, entry{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

type attributesResult struct {
	Attributes []entry `xml:"Attributes>entry"`
}

type createTopicResult struct {
	TopicArn string `xml:"TopicArn"`
}

type topicMember struct {
	TopicArn string `xml:"TopicArn"`
}

type listTopicsResult struct {
	Topics    []topicMember `xml:"Topics>member"`
	NextToken string        `xml:"NextToken,omitempty"`
}

type subscribeResult struct {
	SubscriptionArn string `xml:"SubscriptionArn"`
}

type subscriptionMember struct {
	SubscriptionArn string `xml:"SubscriptionArn"`
	Owner           string `xml:"Owner"`
	Protocol        string `xml:"Protocol"`
	Endpoint        string `xml:"Endpoint"`
	TopicArn        string `xml:"TopicArn"`
}

type listSubscriptionsResult struct {
	Subscriptions []subscriptionMember `xml:"Subscriptions>member"`
	NextToken     string               `xml:"NextToken,omitempty"`
}

type publishResult struct {
	MessageID string `xml:"MessageId"`
}

type batchSuccess struct {
	ID        string `xml:"Id"`
	MessageID string `xml:"MessageId"`
}

type batchFailure struct {
	ID          string `xml:"Id"`
	Code        string `xml:"Code"`
	Message     string `xml:"Message"`
	SenderFault bool   `xml:"SenderFault"`
}

type publishBatchResult struct {
	Successful []batchSuccess `xml:"Successful>member"`
	Failed     []batchFailure `xml:"Failed>member"`
}

type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type listTagsResult struct {
	Tags []tag `xml:"Tags>member"`
}

// empty is an empty Result element, as SNS sends for TagResource.
type empty struct{}

// pageToken and parsePageToken make the opaque NextToken of list actions:
// the last key of the previous page.
func pageToken(lastKey string) string { return base64.RawURLEncoding.EncodeToString([]byte(lastKey)) }

func parsePageToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) == 0 {
		return "", invalidParameter("NextToken")
	}
	return string(b), nil
}
