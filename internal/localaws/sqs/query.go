package sqs

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// serveQuery serves the query protocol: Action=<Op> and the input as form
// parameters in the body or the URL; the response is XML in the 2012-11-05
// namespace (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html).
// Older clients POST to the queue URL itself and leave QueueUrl out.
func (s *Service) serveQuery(w http.ResponseWriter, r *http.Request, reqID string) error {
	params, err := awsproto.ReadForm(r, maxRequestBody)
	if err != nil {
		var e *awsproto.Error
		if errors.As(err, &e) && e.Code == "SerializationException" {
			return errMalformed("The request's form body is malformed.")
		}
		return err
	}
	action := params.Get("Action")
	if action == "" {
		return errMissingParameter("Action")
	}
	o, ok := operations[action]
	if !ok {
		return errInvalidAction(action)
	}
	in := o.newInput()
	if err := o.query(params, in); err != nil {
		return err
	}
	out, err := o.run(s, r.Context(), s.newCall(r), in)
	if err != nil {
		return err
	}
	var result any
	if o.xml != nil {
		result = o.xml(out)
	}
	return awsproto.WriteQueryResult(w, action, xmlns, result, reqID)
}

// optInt parses an optional integer parameter.
func optInt(p url.Values, name string) (*int, error) {
	v, ok := p[name]
	if !ok || len(v) == 0 {
		return nil, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil {
		return nil, errInvalidParameter("Value %s for parameter %s is invalid. Reason: Must be an integer.", v[0], name)
	}
	return &n, nil
}

func queryQueueURL(p url.Values, in *queueURLInput) error {
	in.QueueURL = p.Get("QueueUrl")
	return nil
}

func queryCreateQueue(p url.Values, in *createQueueInput) error {
	in.QueueName = p.Get("QueueName")
	in.Attributes = awsproto.Pairs(p, "Attribute", "Name", "Value")
	in.Tags = awsproto.Pairs(p, "Tag", "Key", "Value")
	return nil
}

func queryGetQueueURL(p url.Values, in *getQueueURLInput) error {
	in.QueueName, in.OwnerAcct = p.Get("QueueName"), p.Get("QueueOwnerAWSAccountId")
	return nil
}

func queryListQueues(p url.Values, in *listQueuesInput) (err error) {
	in.QueueNamePrefix, in.NextToken = p.Get("QueueNamePrefix"), p.Get("NextToken")
	in.MaxResults, err = optInt(p, "MaxResults")
	return err
}

func queryGetQueueAttributes(p url.Values, in *getQueueAttributesInput) error {
	in.QueueURL = p.Get("QueueUrl")
	in.AttributeNames = awsproto.FlatList(p, "AttributeName")
	return nil
}

func querySetQueueAttributes(p url.Values, in *setQueueAttributesInput) error {
	in.QueueURL = p.Get("QueueUrl")
	in.Attributes = awsproto.Pairs(p, "Attribute", "Name", "Value")
	return nil
}

func queryListDLQSources(p url.Values, in *listDLQSourcesInput) (err error) {
	in.QueueURL, in.NextToken = p.Get("QueueUrl"), p.Get("NextToken")
	in.MaxResults, err = optInt(p, "MaxResults")
	return err
}

func queryTagQueue(p url.Values, in *tagQueueInput) error {
	in.QueueURL = p.Get("QueueUrl")
	in.Tags = awsproto.Pairs(p, "Tag", "Key", "Value")
	return nil
}

func queryUntagQueue(p url.Values, in *untagQueueInput) error {
	in.QueueURL = p.Get("QueueUrl")
	in.TagKeys = awsproto.FlatList(p, "TagKey")
	return nil
}

// queryMessageAttributes reads prefix.N.Name and prefix.N.Value.{DataType,
// StringValue, BinaryValue (base64)}.
func queryMessageAttributes(p url.Values, prefix string) (map[string]MessageAttribute, error) {
	var out map[string]MessageAttribute
	for i := 1; ; i++ {
		base := prefix + "." + strconv.Itoa(i)
		if _, ok := p[base+".Name"]; !ok {
			return out, nil
		}
		a := MessageAttribute{DataType: p.Get(base + ".Value.DataType"), StringValue: p.Get(base + ".Value.StringValue")}
		if b := p.Get(base + ".Value.BinaryValue"); b != "" {
			v, err := base64.StdEncoding.DecodeString(b)
			if err != nil {
				return nil, errInvalidParameter("Value for parameter %s.Value.BinaryValue is not valid base64.", base)
			}
			a.BinaryValue = v
		}
		if out == nil {
			out = map[string]MessageAttribute{}
		}
		out[p.Get(base+".Name")] = a
	}
}

func querySendMessage(p url.Values, in *sendMessageInput) (err error) {
	in.QueueURL, in.MessageBody = p.Get("QueueUrl"), p.Get("MessageBody")
	if in.DelaySeconds, err = optInt(p, "DelaySeconds"); err != nil {
		return err
	}
	in.MessageAttributes, err = queryMessageAttributes(p, "MessageAttribute")
	return err
}

// entryPrefixes returns prefix.1, prefix.2, … while prefix.N.Id is present.
func entryPrefixes(p url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		base := prefix + "." + strconv.Itoa(i)
		if _, ok := p[base+".Id"]; !ok {
			return out
		}
		out = append(out, base)
	}
}

func querySendMessageBatch(p url.Values, in *sendMessageBatchInput) error {
	in.QueueURL = p.Get("QueueUrl")
	for _, base := range entryPrefixes(p, "SendMessageBatchRequestEntry") {
		e := sendBatchEntry{ID: p.Get(base + ".Id"), MessageBody: p.Get(base + ".MessageBody")}
		var err error
		if e.DelaySeconds, err = optInt(p, base+".DelaySeconds"); err != nil {
			return err
		}
		if e.MessageAttributes, err = queryMessageAttributes(p, base+".MessageAttribute"); err != nil {
			return err
		}
		in.Entries = append(in.Entries, e)
	}
	return nil
}

func queryReceiveMessage(p url.Values, in *receiveMessageInput) (err error) {
	in.QueueURL = p.Get("QueueUrl")
	in.AttributeNames = awsproto.FlatList(p, "AttributeName")
	in.MessageSystemAttributeNames = awsproto.FlatList(p, "MessageSystemAttributeName")
	in.MessageAttributeNames = awsproto.FlatList(p, "MessageAttributeName")
	in.ReceiveRequestAttemptID = p.Get("ReceiveRequestAttemptId")
	if in.MaxNumberOfMessages, err = optInt(p, "MaxNumberOfMessages"); err != nil {
		return err
	}
	if in.VisibilityTimeout, err = optInt(p, "VisibilityTimeout"); err != nil {
		return err
	}
	in.WaitTimeSeconds, err = optInt(p, "WaitTimeSeconds")
	return err
}

func queryDeleteMessage(p url.Values, in *deleteMessageInput) error {
	in.QueueURL, in.ReceiptHandle = p.Get("QueueUrl"), p.Get("ReceiptHandle")
	return nil
}

func queryDeleteMessageBatch(p url.Values, in *deleteMessageBatchInput) error {
	in.QueueURL = p.Get("QueueUrl")
	for _, base := range entryPrefixes(p, "DeleteMessageBatchRequestEntry") {
		in.Entries = append(in.Entries, deleteBatchEntry{ID: p.Get(base + ".Id"), ReceiptHandle: p.Get(base + ".ReceiptHandle")})
	}
	return nil
}

func queryChangeVisibility(p url.Values, in *changeVisibilityInput) (err error) {
	in.QueueURL, in.ReceiptHandle = p.Get("QueueUrl"), p.Get("ReceiptHandle")
	in.VisibilityTimeout, err = optInt(p, "VisibilityTimeout")
	return err
}

func queryChangeVisibilityBatch(p url.Values, in *changeVisibilityBatchInput) error {
	in.QueueURL = p.Get("QueueUrl")
	for _, base := range entryPrefixes(p, "ChangeMessageVisibilityBatchRequestEntry") {
		e := changeVisibilityBatchEntry{ID: p.Get(base + ".Id"), ReceiptHandle: p.Get(base + ".ReceiptHandle")}
		var err error
		if e.VisibilityTimeout, err = optInt(p, base+".VisibilityTimeout"); err != nil {
			return err
		}
		in.Entries = append(in.Entries, e)
	}
	return nil
}

func queryStartMoveTask(p url.Values, in *startMoveTaskInput) (err error) {
	in.SourceArn, in.DestinationArn = p.Get("SourceArn"), p.Get("DestinationArn")
	in.MaxNumberOfMessagesPerSecond, err = optInt(p, "MaxNumberOfMessagesPerSecond")
	return err
}

func queryListMoveTasks(p url.Values, in *listMoveTasksInput) (err error) {
	in.SourceArn = p.Get("SourceArn")
	in.MaxResults, err = optInt(p, "MaxResults")
	return err
}

func queryCancelMoveTask(p url.Values, in *cancelMoveTaskInput) error {
	in.TaskHandle = p.Get("TaskHandle")
	return nil
}

// The query protocol's result shapes: lists and maps are flattened, each
// entry an element of its own (Attribute, QueueUrl, Tag, Message…), as in
// the 2012-11-05 query model of SQS.

type xmlNameValue struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

func xmlListQueues(out *listQueuesOutput) any {
	return struct {
		QueueURL  []string `xml:"QueueUrl"`
		NextToken string   `xml:"NextToken,omitempty"`
	}{out.QueueUrls, out.NextToken}
}

func xmlListDLQSources(out *listDLQSourcesOutput) any {
	return struct {
		QueueURL  []string `xml:"QueueUrl"`
		NextToken string   `xml:"NextToken,omitempty"`
	}{out.QueueURLs, out.NextToken}
}

func sortedPairs(m map[string]string) []xmlNameValue {
	out := make([]xmlNameValue, 0, len(m))
	for k, v := range m {
		out = append(out, xmlNameValue{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func xmlAttributes(out *attributesOutput) any {
	return struct {
		Attribute []xmlNameValue `xml:"Attribute"`
	}{sortedPairs(out.Attributes)}
}

func xmlTags(out *tagsOutput) any {
	type tag struct {
		Key   string `xml:"Key"`
		Value string `xml:"Value"`
	}
	var tags []tag
	for _, p := range sortedPairs(out.Tags) {
		tags = append(tags, tag{p.Name, p.Value})
	}
	return struct {
		Tag []tag `xml:"Tag"`
	}{tags}
}

func xmlSendBatch(out *sendMessageBatchOutput) any {
	return struct {
		Successful []sendBatchResultEntry `xml:"SendMessageBatchResultEntry"`
		Failed     []batchError           `xml:"BatchResultErrorEntry"`
	}{out.Successful, out.Failed}
}

// xmlBatch is the result shape of DeleteMessageBatch and
// ChangeMessageVisibilityBatch, whose success entries are named entry.
func xmlBatch(entry string) func(*batchOutput) any {
	type idEntry struct {
		XMLName xml.Name
		ID      string `xml:"Id"`
	}
	return func(out *batchOutput) any {
		ok := make([]idEntry, len(out.Successful))
		for i, e := range out.Successful {
			ok[i] = idEntry{XMLName: xml.Name{Local: entry}, ID: e.ID}
		}
		return struct {
			Successful []idEntry
			Failed     []batchError `xml:"BatchResultErrorEntry"`
		}{ok, out.Failed}
	}
}

type xmlAttrValue struct {
	StringValue string `xml:"StringValue,omitempty"`
	BinaryValue string `xml:"BinaryValue,omitempty"`
	DataType    string `xml:"DataType"`
}

type xmlMessageAttribute struct {
	Name  string       `xml:"Name"`
	Value xmlAttrValue `xml:"Value"`
}

type xmlMessage struct {
	MessageID              string                `xml:"MessageId"`
	ReceiptHandle          string                `xml:"ReceiptHandle"`
	MD5OfBody              string                `xml:"MD5OfBody"`
	Body                   string                `xml:"Body"`
	Attribute              []xmlNameValue        `xml:"Attribute"`
	MD5OfMessageAttributes string                `xml:"MD5OfMessageAttributes,omitempty"`
	MessageAttribute       []xmlMessageAttribute `xml:"MessageAttribute"`
}

func xmlReceive(out *receiveMessageOutput) any {
	msgs := make([]xmlMessage, len(out.Messages))
	for i, m := range out.Messages {
		xm := xmlMessage{MessageID: m.MessageID, ReceiptHandle: m.ReceiptHandle, MD5OfBody: m.MD5OfBody, Body: m.Body,
			Attribute: sortedPairs(m.Attributes), MD5OfMessageAttributes: m.MD5OfMessageAttributes}
		names := make([]string, 0, len(m.MessageAttributes))
		for n := range m.MessageAttributes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			a := m.MessageAttributes[n]
			v := xmlAttrValue{StringValue: a.StringValue, DataType: a.DataType}
			if a.BinaryValue != nil {
				v.BinaryValue = base64.StdEncoding.EncodeToString(a.BinaryValue)
			}
			xm.MessageAttribute = append(xm.MessageAttribute, xmlMessageAttribute{Name: n, Value: v})
		}
		msgs[i] = xm
	}
	return struct {
		Message []xmlMessage `xml:"Message"`
	}{msgs}
}

func xmlListMoveTasks(out *listMoveTasksOutput) any {
	return struct {
		Results []moveTaskEntry `xml:"ListMessageMoveTasksResultEntry"`
	}{out.Results}
}
