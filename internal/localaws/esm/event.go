package esm

import (
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// encodeEvent returns the SQS event Lambda delivers for batch
// (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html), byte for
// byte what encoding/json makes of an events.SQSEvent holding it, but
// written directly: reflection over every record was most of a poller's
// own work. Nil message attributes become {}, as Lambda sends them.
func encodeEvent(eventSourceARN, region string, batch []Message) ([]byte, error) {
	n := 16
	for i := range batch {
		m := &batch[i]
		n += 256 + len(m.MessageID) + len(m.ReceiptHandle) + len(m.Body)*11/10 + len(m.MD5OfBody) +
			len(m.MD5OfMessageAttributes) + len(eventSourceARN) + len(region)
		for k, v := range m.Attributes {
			n += len(k) + len(v) + 6
		}
	}
	b := make([]byte, 0, n)
	b = append(b, `{"Records":[`...)
	for i := range batch {
		m := &batch[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"messageId":`...)
		b = appendString(b, m.MessageID)
		b = append(b, `,"receiptHandle":`...)
		b = appendString(b, m.ReceiptHandle)
		b = append(b, `,"body":`...)
		b = appendString(b, m.Body)
		b = append(b, `,"md5OfBody":`...)
		b = appendString(b, m.MD5OfBody)
		b = append(b, `,"md5OfMessageAttributes":`...)
		b = appendString(b, m.MD5OfMessageAttributes)
		b = append(b, `,"attributes":`...)
		b = appendStringMap(b, m.Attributes)
		b = append(b, `,"messageAttributes":`...)
		if len(m.MessageAttributes) == 0 {
			b = append(b, `{}`...)
		} else {
			attrs, err := json.Marshal(m.MessageAttributes)
			if err != nil {
				return nil, err
			}
			b = append(b, attrs...)
		}
		b = append(b, `,"eventSourceARN":`...)
		b = appendString(b, eventSourceARN)
		b = append(b, `,"eventSource":"aws:sqs","awsRegion":`...)
		b = appendString(b, region)
		b = append(b, '}')
	}
	b = append(b, `]}`...)
	return b, nil
}

// appendStringMap appends m as encoding/json encodes it: null when nil,
// keys in byte order.
func appendStringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	var stack [8]string
	keys := stack[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

// plain marks the ASCII bytes that appendString copies as they are.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendString appends s as a JSON string exactly as encoding/json.Marshal
// writes it: with <, > and & escaped for HTML, invalid UTF-8 replaced by
// U+FFFD, and U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
