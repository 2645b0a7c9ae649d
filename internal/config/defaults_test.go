package config

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const shippedFile = "../../configs/edasctl.yaml"

func TestShippedConfigEqualsDefault(t *testing.T) {
	got := mustLoad(t, LoadOptions{File: shippedFile})
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("configs/edasctl.yaml and Default() differ:\nfile:    %+v\nDefault: %+v", got, want)
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
}

func TestDefaultReturnsAnIndependentCopy(t *testing.T) {
	a := Default()
	a.Consumers[0].Filter.Suffix[0] = ".changed"
	a.Tags["k"] = "v"
	b := Default()
	if b.Consumers[0].Filter.Suffix[0] != ".jpg" || len(b.Tags) != 0 {
		t.Errorf("modifying one Default() changed the next: %+v", b)
	}
}

// TestShippedConfigDocumentsEveryKey checks that each schema key appears in
// configs/edasctl.yaml, as a key or, for optional keys with no default
// value, as a commented-out example ("# prefix: ...").
func TestShippedConfigDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(shippedFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	present := map[string]bool{}
	collectKeys(doc.Content[0], "", present)

	for _, path := range schemaPaths(schema, "") {
		if present[path] {
			continue
		}
		leaf := path[strings.LastIndex(path, ".")+1:]
		commented := regexp.MustCompile(`(?m)^\s*#\s*` + regexp.QuoteMeta(leaf) + `:`)
		if !commented.Match(data) {
			t.Errorf("key %s is neither set nor shown commented out in configs/edasctl.yaml", path)
		}
	}
}

// schemaPaths lists every key path of fields; list elements are "[]".
func schemaPaths(fields []field, prefix string) []string {
	var out []string
	for _, f := range fields {
		p := prefix + f.name
		out = append(out, p)
		switch f.kind {
		case kindObject:
			out = append(out, schemaPaths(f.fields, p+".")...)
		case kindObjects:
			out = append(out, schemaPaths(f.fields, p+"[].")...)
		}
	}
	return out
}

// collectKeys records the key paths present under n, in schemaPaths form.
func collectKeys(n *yaml.Node, prefix string, into map[string]bool) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := prefix + n.Content[i].Value
			into[p] = true
			if prefix == "tags." {
				continue
			}
			v := n.Content[i+1]
			if v.Kind == yaml.SequenceNode {
				for _, item := range v.Content {
					collectKeys(item, p+"[].", into)
				}
			} else {
				collectKeys(v, p+".", into)
			}
		}
	}
}
