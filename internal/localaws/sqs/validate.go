package sqs

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// maxMessageAttributes is the number of user attributes a message may have
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html).
const maxMessageAttributes = 10

// validText reports whether s holds only the characters SQS accepts in a
// message: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
func validText(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 || c == 0x9 || c == 0xA || c == 0xD {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return false
		}
		if !(r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
		i += size
	}
	return true
}

// validateBody checks a message body against the queue's maximum size;
// attrSize is the size of the message's attributes, which count too.
func validateBody(body string, attrSize, maxSize int) *awsproto.Error {
	if body == "" {
		return errMissingParameter("MessageBody")
	}
	if !validText(body) {
		return errInvalidMessageContents("Value for parameter MessageBody is invalid. Reason: Message must contain only valid characters.")
	}
	if len(body)+attrSize > maxSize {
		return errInvalidParameter("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", maxSize)
	}
	return nil
}

// validateAttributes checks user message attributes as SQS does and returns
// their size (names, data types and values).
func validateAttributes(attrs map[string]MessageAttribute) (int, *awsproto.Error) {
	if len(attrs) > maxMessageAttributes {
		return 0, errInvalidParameter("Number of message attributes [%d] exceeds the allowed maximum [%d].", len(attrs), maxMessageAttributes)
	}
	size := 0
	for name, a := range attrs {
		if err := validateAttributeName(name); err != nil {
			return 0, err
		}
		base, _, _ := strings.Cut(a.DataType, ".")
		if len(a.DataType) > 256 {
			return 0, errInvalidParameter("Message attribute '%s' data type is too long.", name)
		}
		switch base {
		case "String", "Number":
			if a.StringValue == "" {
				return 0, errInvalidParameter("Message (user) attribute '%s' must contain a non-empty value of type '%s'.", name, base)
			}
			if !validText(a.StringValue) {
				return 0, errInvalidMessageContents("Value for message attribute '" + name + "' contains invalid characters.")
			}
			if base == "Number" {
				if _, err := strconv.ParseFloat(a.StringValue, 64); err != nil {
					return 0, errInvalidParameter("Could not cast message attribute '%s' value to number.", name)
				}
			}
			size += len(a.StringValue)
		case "Binary":
			if len(a.BinaryValue) == 0 {
				return 0, errInvalidParameter("Message (user) attribute '%s' must contain a non-empty value of type 'Binary'.", name)
			}
			size += len(a.BinaryValue)
		case "":
			return 0, errInvalidParameter("The message attribute '%s' must contain non-empty message attribute type.", name)
		default:
			return 0, errInvalidParameter("The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
		}
		size += len(name) + len(a.DataType)
	}
	return size, nil
}

// validateAttributeName applies the message attribute name rules: up to 256
// characters of [A-Za-z0-9_.-], no leading or trailing period, no two
// periods in a row, no "AWS." or "Amazon." prefix.
func validateAttributeName(name string) *awsproto.Error {
	bad := name == "" || len(name) > 256 || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") ||
		strings.Contains(name, "..") || hasPrefixFold(name, "AWS.") || hasPrefixFold(name, "Amazon.")
	for i := 0; i < len(name) && !bad; i++ {
		c := name[i]
		bad = !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')
	}
	if bad {
		return errInvalidParameter("Message (user) attribute name '%s' is invalid.", name)
	}
	return nil
}

// validBatchID reports whether id is a batch entry Id: 1–80 characters of
// [A-Za-z0-9_-].
func validBatchID(id string) bool { return validQueueName(id) }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
