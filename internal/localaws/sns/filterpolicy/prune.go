package filterpolicy

import (
	"encoding/json"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// A keyTree is the part of a message body a body-scope policy can look at:
// for each key of an object level, either the whole value (a key with
// conditions) or the keys below it (a nested policy level). decodePruned
// keeps only these parts: an S3 event notification is a kilobyte of JSON
// of which the image consumer's policy reads one string, and decoding all
// of it into maps was 4 % of the local AWS's CPU in the pipeline benchmark
// (BenchmarkMatchBodyS3Event: 18–24 µs and 102 allocations before).
type keyTree struct {
	whole bool                // keep the value as it is
	below map[string]*keyTree // keep these keys of an object (or of each object of an array)
}

// keysOf returns the keys node n reads, its $or alternatives' included.
func keysOf(n *node) *keyTree {
	t := &keyTree{below: map[string]*keyTree{}}
	t.add(n)
	return t
}

func (t *keyTree) add(n *node) {
	for key := range n.leaves {
		t.below[key] = &keyTree{whole: true}
	}
	for key, child := range n.children {
		sub := t.below[key]
		if sub == nil {
			sub = &keyTree{below: map[string]*keyTree{}}
			t.below[key] = sub
		}
		if !sub.whole {
			sub.add(child)
		}
	}
	for _, alts := range n.ors {
		for _, a := range alts {
			t.add(a)
		}
	}
}

// prunedOptions read the body as encoding/json does: duplicate names (the
// last wins) and invalid UTF-8 (replaced, see readValue) are accepted.
var prunedOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// decoders recycles body decoders: a jsontext.Decoder holds buffers worth
// reusing across messages.
var decoders = sync.Pool{New: func() any { return jsontext.NewDecoder(strings.NewReader(""), prunedOptions...) }}

// decodePruned decodes the JSON object body keeping only what keep names,
// as encoding/json decodes into an any with UseNumber (numbers as
// json.Number); ok is false when body is not a JSON object. The values it
// skips are still checked to be valid JSON.
func decodePruned(body string, keep *keyTree) (map[string]any, bool) {
	dec := decoders.Get().(*jsontext.Decoder)
	defer func() {
		dec.Reset(strings.NewReader(""), prunedOptions...) // drop body
		decoders.Put(dec)
	}()
	dec.Reset(strings.NewReader(body), prunedOptions...)
	if dec.PeekKind() != '{' {
		return nil, false
	}
	m, err := readObject(dec, keep)
	if err != nil {
		return nil, false
	}
	return m, true
}

// readObject reads an object: with keep, only the keys keep names, each
// read with the part of keep below it; without, every key whole.
func readObject(dec *jsontext.Decoder, keep *keyTree) (map[string]any, error) {
	if _, err := dec.ReadToken(); err != nil { // {
		return nil, err
	}
	m := map[string]any{}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		key := validUTF8(name.String()) // before the next read voids name
		var sub *keyTree
		if keep != nil {
			if sub = keep.below[key]; sub == nil {
				if err := dec.SkipValue(); err != nil {
					return nil, err
				}
				continue
			}
		}
		v, err := readValue(dec, sub)
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
	_, err := dec.ReadToken() // }
	return m, err
}

// readValue reads one value as encoding/json decodes into an any with
// UseNumber: objects as map[string]any, arrays as []any, numbers as
// json.Number, and invalid UTF-8 in strings replaced by U+FFFD. With keep
// (and not whole), an object is pruned to the keys keep names, and so is
// each object of an array, as a nested policy level reads them.
func readValue(dec *jsontext.Decoder, keep *keyTree) (any, error) {
	if keep != nil && keep.whole {
		keep = nil
	}
	switch dec.PeekKind() {
	case '{':
		return readObject(dec, keep)
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		items := []any{}
		for dec.PeekKind() != ']' {
			v, err := readValue(dec, keep)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		_, err := dec.ReadToken() // ]
		return items, err
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case '"':
		return validUTF8(tok.String()), nil
	case '0':
		return json.Number(tok.String()), nil
	case 't', 'f':
		return tok.Bool(), nil
	case 'n':
		return nil, nil
	}
	return nil, dec.SkipValue() // not reached: ReadToken reports malformed input
}

// validUTF8 replaces each byte of s that is not part of valid UTF-8 with
// U+FFFD, as encoding/json does when it decodes a string.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
