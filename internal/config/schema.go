package config

import "strings"

// A kind is the type of a schema key's value.
type kind int

const (
	kindString    kind = iota // any YAML scalar but null, taken as text
	kindBool                  // a YAML boolean
	kindInt                   // a YAML integer
	kindStrings               // a sequence of strings
	kindStringMap             // a mapping of strings to strings, keys kept verbatim
	kindObject                // a mapping with the keys in fields
	kindObjects               // a sequence of such mappings
)

// describe names the kind in error messages ("expected an integer").
func (k kind) describe() string {
	switch k {
	case kindBool:
		return "a boolean (true or false)"
	case kindInt:
		return "an integer"
	case kindStrings:
		return "a list of strings"
	case kindStringMap:
		return "a mapping of strings"
	case kindObject:
		return "a mapping"
	case kindObjects:
		return "a list of mappings"
	default:
		return "a string"
	}
}

// A field is one key of the schema. name is its canonical spelling, the one
// documented and used for viper and mapstructure.
type field struct {
	name   string
	kind   kind
	fields []field // for kindObject and kindObjects
}

// lookup finds the field called name, ignoring case.
func lookup(fields []field, name string) (field, bool) {
	for _, f := range fields {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return field{}, false
}

// functionFields may appear under function and, as overrides, in a consumer.
var functionFields = []field{
	{name: "architecture", kind: kindString},
	{name: "memoryMB", kind: kindInt},
	{name: "timeoutSeconds", kind: kindInt},
}

// consumerFields are the keys of one element of consumers.
var consumerFields = append([]field{
	{name: "name", kind: kindString},
	{name: "action", kind: kindString},
	{name: "filter", kind: kindObject, fields: []field{
		{name: "suffix", kind: kindStrings},
		{name: "prefix", kind: kindStrings},
	}},
	{name: "batchSize", kind: kindInt},
	{name: "batchWindowSeconds", kind: kindInt},
	{name: "maxConcurrency", kind: kindInt},
	{name: "maxReceiveCount", kind: kindInt},
}, functionFields...)

// schema is the configuration file's structure, in documentation order.
var schema = []field{
	{name: "stack", kind: kindString},
	{name: "region", kind: kindString},
	{name: "bucket", kind: kindObject, fields: []field{
		{name: "name", kind: kindString},
		{name: "inputPrefix", kind: kindString},
		{name: "versioning", kind: kindBool},
	}},
	{name: "topic", kind: kindObject, fields: []field{
		{name: "rawMessageDelivery", kind: kindBool},
	}},
	{name: "function", kind: kindObject, fields: functionFields},
	{name: "logs", kind: kindObject, fields: []field{
		{name: "retentionDays", kind: kindInt},
	}},
	{name: "consumers", kind: kindObjects, fields: consumerFields},
	{name: "tags", kind: kindStringMap},
}

// A setting is a scalar key that an environment variable can set: the
// top-level scalars and the scalars of the top-level objects.
type setting struct {
	path []string // canonical key parts, such as ["function", "memoryMB"]
	kind kind
}

// key returns the dotted key, such as "function.memoryMB".
func (s setting) key() string { return strings.Join(s.path, ".") }

// envName returns the documented variable name, such as
// EDAS_FUNCTION_MEMORYMB.
func (s setting) envName() string { return envPrefix + strings.ToUpper(strings.Join(s.path, "_")) }

// settings lists the environment-settable keys, in schema order.
func settings() []setting {
	var out []setting
	for _, f := range schema {
		switch f.kind {
		case kindString, kindBool, kindInt:
			out = append(out, setting{path: []string{f.name}, kind: f.kind})
		case kindObject:
			for _, sub := range f.fields {
				if sub.kind == kindString || sub.kind == kindBool || sub.kind == kindInt {
					out = append(out, setting{path: []string{f.name, sub.name}, kind: sub.kind})
				}
			}
		}
	}
	return out
}
