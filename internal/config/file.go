package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A parsedFile is a configuration file after strict decoding.
type parsedFile struct {
	// settings holds the file's values under their canonical key names,
	// without tags and without keys whose value is null.
	settings map[string]any
	// tags holds the file's tags verbatim; nil when the file sets none.
	tags map[string]string
}

// parseFile decodes data, the contents of file, against the schema. It
// reports every unknown key, duplicate key and wrongly typed value, in
// document order, joined; a YAML syntax error stops it at once.
func parseFile(file string, data []byte) (parsedFile, error) {
	root, err := parseYAML(file, data)
	if err != nil {
		return parsedFile{}, err
	}
	out := parsedFile{settings: map[string]any{}}
	if root == nil {
		return out, nil
	}
	p := &fileParser{file: file}
	out.settings = p.object(root, "", schema)
	if err := errors.Join(p.errs...); err != nil {
		return parsedFile{}, err
	}
	if tags, ok := out.settings["tags"].(map[string]string); ok {
		out.tags = tags
		delete(out.settings, "tags")
	}
	return out, nil
}

// yamlLineError matches the parser's "yaml: line N: message" errors.
var yamlLineError = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// parseYAML parses data as a single YAML document and returns its root node,
// or nil when the document is empty.
func parseYAML(file string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return nil, nil
	case err != nil:
		return nil, syntaxError(file, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(file, err)
	case len(extra.Content) > 0:
		return nil, &SyntaxError{File: file, Line: extra.Line, Msg: "a configuration file holds one YAML document, found a second"}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &SyntaxError{File: file, Line: root.Line, Msg: "the configuration must be a YAML mapping, got " + describeNode(root)}
	}
	return root, nil
}

// parserProblems start the messages of yaml.v3's parser (as opposed to
// scanner) errors. yaml.v3 reports their line counting from 0, and the line
// where the enclosing collection starts when it knows one.
var parserProblems = []string{"did not find expected", "found duplicate %", "found incompatible YAML document"}

// syntaxError turns a YAML parser error into a SyntaxError with its line,
// counted from 1.
func syntaxError(file string, err error) error {
	msg := err.Error()
	if m := yamlLineError.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		for _, p := range parserProblems {
			if strings.HasPrefix(m[2], p) {
				line++
				break
			}
		}
		return &SyntaxError{File: file, Line: line, Msg: m[2]}
	}
	return &SyntaxError{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// A fileParser walks a YAML tree against the schema and collects problems.
type fileParser struct {
	file string
	errs []error
}

// object decodes mapping n, at key path path, with the given fields. Keys
// match case-insensitively; values come out under the canonical names.
func (p *fileParser) object(n *yaml.Node, path string, fields []field) map[string]any {
	out := map[string]any{}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		keyPath := joinKey(path, k.Value)
		if k.ShortTag() == "!!merge" {
			p.keyErr(k, keyPath, "YAML merge keys are not supported; write the keys out")
			continue
		}
		f, ok := lookup(fields, k.Value)
		if !ok {
			p.errs = append(p.errs, &UnknownKeyError{File: p.file, Line: k.Line, Key: keyPath, Suggestion: suggest(k.Value, fields)})
			continue
		}
		if prev, dup := seen[f.name]; dup {
			p.keyErr(k, keyPath, fmt.Sprintf("duplicate key, already set as %q on line %d", prev.Value, prev.Line))
			continue
		}
		seen[f.name] = k
		if isNull(deref(v)) {
			continue
		}
		if val, ok := p.value(deref(v), keyPath, f); ok {
			out[f.name] = val
		}
	}
	return out
}

// value decodes n, the value of field f at key path path. ok is false when
// n has the wrong type, which has then been reported.
func (p *fileParser) value(n *yaml.Node, path string, f field) (val any, ok bool) {
	switch f.kind {
	case kindString:
		if n.Kind == yaml.ScalarNode {
			return n.Value, true
		}
	case kindBool:
		var b bool
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" && n.Decode(&b) == nil {
			return b, true
		}
	case kindInt:
		var i int
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" && n.Decode(&i) == nil {
			return i, true
		}
	case kindStrings:
		if n.Kind == yaml.SequenceNode {
			s, ok := p.strings(n, path)
			return s, ok
		}
	case kindStringMap:
		if n.Kind == yaml.MappingNode {
			m, ok := p.stringMap(n, path)
			return m, ok
		}
	case kindObject:
		if n.Kind == yaml.MappingNode {
			return p.object(n, path, f.fields), true
		}
	case kindObjects:
		if n.Kind == yaml.SequenceNode {
			items := make([]any, 0, len(n.Content))
			for i, item := range n.Content {
				item = deref(item)
				itemPath := fmt.Sprintf("%s[%d]", path, i)
				if item.Kind != yaml.MappingNode {
					p.typeErr(item, itemPath, kindObject)
					continue
				}
				items = append(items, p.object(item, itemPath, f.fields))
			}
			return items, true
		}
	}
	p.typeErr(n, path, f.kind)
	return nil, false
}

// strings decodes a sequence of non-null scalars.
func (p *fileParser) strings(n *yaml.Node, path string) ([]string, bool) {
	out := make([]string, 0, len(n.Content))
	ok := true
	for i, item := range n.Content {
		item = deref(item)
		if item.Kind != yaml.ScalarNode || isNull(item) {
			p.typeErr(item, fmt.Sprintf("%s[%d]", path, i), kindString)
			ok = false
			continue
		}
		out = append(out, item.Value)
	}
	return out, ok
}

// stringMap decodes a mapping of scalars, keeping keys exactly as written.
// A null value is the empty string.
func (p *fileParser) stringMap(n *yaml.Node, path string) (map[string]string, bool) {
	out := map[string]string{}
	lines := map[string]int{}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		keyPath := fmt.Sprintf("%s[%q]", path, k.Value)
		switch {
		case k.Kind != yaml.ScalarNode:
			p.keyErr(k, path, "keys must be strings, got "+describeNode(k))
			ok = false
		case lines[k.Value] > 0:
			p.keyErr(k, keyPath, fmt.Sprintf("duplicate key, already set on line %d", lines[k.Value]))
			ok = false
		case v.Kind != yaml.ScalarNode:
			p.typeErr(v, keyPath, kindString)
			ok = false
		default:
			lines[k.Value] = k.Line
			if isNull(v) {
				out[k.Value] = ""
			} else {
				out[k.Value] = v.Value
			}
		}
	}
	return out, ok
}

func (p *fileParser) keyErr(n *yaml.Node, path, msg string) {
	p.errs = append(p.errs, &KeyError{File: p.file, Line: n.Line, Key: path, Msg: msg})
}

func (p *fileParser) typeErr(n *yaml.Node, path string, want kind) {
	p.keyErr(n, path, "expected "+want.describe()+", got "+describeNode(n))
}

// describeNode names what a node holds, for "got ..." in errors.
func describeNode(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "null"
	default:
		return strconv.Quote(n.Value)
	}
}

// deref follows YAML aliases (*name) to the anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// joinKey appends key to the dotted path.
func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
