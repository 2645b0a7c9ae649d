package sns

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Publish limits (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
const (
	maxMessageBytes = 256 << 10 // message plus attributes
	maxSubjectLen   = 100
)

// A MessageAttribute is one message attribute as published
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html).
// DataType is "String", "Number", "Binary" or "String.Array", optionally
// followed by a custom ".label"; Binary attributes use BinaryValue.
type MessageAttribute struct {
	DataType    string `json:"dataType"`
	StringValue string `json:"stringValue,omitempty"`
	BinaryValue []byte `json:"binaryValue,omitempty"`
}

// attrName is the rule for message attribute names: letters, digits, and
// _ - . (no leading, trailing or doubled dot, no AWS./Amazon. prefix).
var attrName = regexp.MustCompile(`^[A-Za-z0-9_\-.]{1,256}$`)

// message is a validated publish request.
type message struct {
	Body      string // the Message parameter
	Subject   string
	Structure string // "" or "json"
	Attrs     map[string]MessageAttribute
	perProto  map[string]string // MessageStructure=json: protocol → message
}

// parseMessage reads Message, Subject, MessageStructure and
// MessageAttributes from params (a request's or a batch entry's).
func parseMessage(params url.Values) (message, error) {
	m := message{
		Body:      params.Get("Message"),
		Subject:   params.Get("Subject"),
		Structure: params.Get("MessageStructure"),
	}
	if _, ok := params["Message"]; !ok || m.Body == "" {
		return m, invalidParameter("Empty message")
	}
	if m.Subject != "" && !validSubject(m.Subject) {
		return m, invalidParameter("Subject")
	}
	switch m.Structure {
	case "":
	case "json":
		var per map[string]any
		if err := json.Unmarshal([]byte(m.Body), &per); err != nil {
			return m, invalidParameter("Message Structure - JSON message body failed to parse")
		}
		m.perProto = map[string]string{}
		for k, v := range per {
			s, ok := v.(string)
			if !ok {
				return m, invalidParameter("Message Structure - JSON message values must be strings")
			}
			m.perProto[k] = s
		}
		if _, ok := m.perProto["default"]; !ok {
			return m, invalidParameter("Message Structure - No default entry in JSON message body")
		}
	default:
		return m, invalidParameter("MessageStructure")
	}
	attrs, err := parseMessageAttributes(params)
	if err != nil {
		return m, err
	}
	m.Attrs = attrs
	if m.size() > maxMessageBytes {
		return m, invalidParameter("Message too long")
	}
	return m, nil
}

// size is the message's size as SNS counts it: the body plus each
// attribute's name, type and value.
func (m message) size() int {
	n := len(m.Body)
	for k, a := range m.Attrs {
		n += len(k) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	return n
}

// forProtocol is the message a subscription of protocol receives.
func (m message) forProtocol(protocol string) string {
	if m.perProto == nil {
		return m.Body
	}
	if v, ok := m.perProto[protocol]; ok {
		return v
	}
	return m.perProto["default"]
}

func validSubject(s string) bool {
	if len(s) > maxSubjectLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r > 0x7e {
			return false // ASCII text without line breaks or control characters
		}
	}
	first := s[0]
	return first != ' '
}

// parseMessageAttributes reads MessageAttributes.entry.N.{Name,Value.*}.
func parseMessageAttributes(params url.Values) (map[string]MessageAttribute, error) {
	out := map[string]MessageAttribute{}
	for i := 1; ; i++ {
		base := "MessageAttributes.entry." + strconv.Itoa(i)
		if _, ok := params[base+".Name"]; !ok {
			break
		}
		name := params.Get(base + ".Name")
		a := MessageAttribute{DataType: params.Get(base + ".Value.DataType"), StringValue: params.Get(base + ".Value.StringValue")}
		if bv := params.Get(base + ".Value.BinaryValue"); bv != "" {
			b, err := base64.StdEncoding.DecodeString(bv)
			if err != nil {
				return nil, invalidParameterValue("The message attribute '%s' has an invalid binary value.", name)
			}
			a.BinaryValue = b
		}
		if err := checkMessageAttribute(name, a); err != nil {
			return nil, err
		}
		out[name] = a
	}
	return out, nil
}

func checkMessageAttribute(name string, a MessageAttribute) error {
	lower := strings.ToLower(name)
	if !attrName.MatchString(name) || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") ||
		strings.Contains(name, "..") || strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") {
		return invalidParameterValue("The message attribute name '%s' is invalid.", name)
	}
	if a.DataType == "" {
		return invalidParameterValue("The message attribute '%s' must contain non-empty message attribute type.", name)
	}
	base, _, _ := strings.Cut(a.DataType, ".")
	switch {
	case a.DataType == "String.Array":
		var list []any
		if a.StringValue == "" || json.Unmarshal([]byte(a.StringValue), &list) != nil {
			return invalidParameterValue("The message attribute '%s' with type 'String.Array' has an invalid value: must be a JSON array.", name)
		}
	case base == "String":
		if a.StringValue == "" {
			return invalidParameterValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, a.DataType)
		}
	case base == "Number":
		f, err := strconv.ParseFloat(a.StringValue, 64)
		if err != nil || f < -1e9 || f > 1e9 {
			return invalidParameterValue("An invalid or out-of-range value '%s' was supplied for the message attribute '%s' of type 'Number'.", a.StringValue, name)
		}
	case base == "Binary":
		if len(a.BinaryValue) == 0 {
			return invalidParameterValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, a.DataType)
		}
	default:
		return invalidParameterValue("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
	}
	return nil
}

// subParams returns the parameters under prefix+".", with the prefix
// removed (a batch entry's parameters).
func subParams(params url.Values, prefix string) url.Values {
	out := url.Values{}
	prefix += "."
	for k, v := range params {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}

func decodeStrict(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func validJSONObject(s string) bool {
	var m map[string]any
	return json.Unmarshal([]byte(s), &m) == nil && m != nil
}
