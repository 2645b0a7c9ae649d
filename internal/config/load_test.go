package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spf13/pflag"
)

func TestLoadPrecedence(t *testing.T) {
	file := "stack: from-file\nregion: eu-west-1\nfunction:\n  memoryMB: 512\n"
	tests := []struct {
		name       string
		file       string
		environ    []string
		flags      *pflag.FlagSet
		wantStack  string
		wantRegion string
		wantMemory int
	}{
		{
			name:      "defaults apply when nothing sets a key",
			wantStack: DefaultStack, wantRegion: "", wantMemory: DefaultMemoryMB,
		},
		{
			name:      "the file beats the defaults",
			file:      file,
			wantStack: "from-file", wantRegion: "eu-west-1", wantMemory: 512,
		},
		{
			name:      "the environment beats the file",
			file:      file,
			environ:   []string{"EDAS_STACK=from-env", "EDAS_REGION=us-west-2", "EDAS_FUNCTION_MEMORYMB=1024"},
			wantStack: "from-env", wantRegion: "us-west-2", wantMemory: 1024,
		},
		{
			name:      "changed flags beat the environment",
			file:      file,
			environ:   []string{"EDAS_STACK=from-env", "EDAS_REGION=us-west-2"},
			flags:     cliFlags(t, "--stack=from-flag", "--region", "ap-south-1"),
			wantStack: "from-flag", wantRegion: "ap-south-1", wantMemory: 512,
		},
		{
			name:      "flags that were not set do not override, even with a default",
			file:      file,
			environ:   []string{"EDAS_REGION=us-west-2"},
			flags:     cliFlags(t, "--profile=dev"),
			wantStack: "from-file", wantRegion: "us-west-2", wantMemory: 512,
		},
		{
			name:      "one changed flag overrides only its own key",
			file:      file,
			environ:   []string{"EDAS_STACK=from-env"},
			flags:     cliFlags(t, "--region=ca-central-1"),
			wantStack: "from-env", wantRegion: "ca-central-1", wantMemory: 512,
		},
		{
			name:      "the environment beats the defaults without a file",
			environ:   []string{"EDAS_STACK=from-env"},
			wantStack: "from-env", wantRegion: "", wantMemory: DefaultMemoryMB,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := LoadOptions{Environ: tt.environ, Flags: tt.flags, Dir: t.TempDir()}
			if tt.file != "" {
				opts.File = writeFile(t, "edasctl.yaml", tt.file)
			}
			cfg := mustLoad(t, opts)
			if cfg.Stack != tt.wantStack || cfg.Region != tt.wantRegion || cfg.Function.MemoryMB != tt.wantMemory {
				t.Errorf("stack, region, memoryMB = %q, %q, %d; want %q, %q, %d",
					cfg.Stack, cfg.Region, cfg.Function.MemoryMB, tt.wantStack, tt.wantRegion, tt.wantMemory)
			}
		})
	}
}

func TestLoadEnvironmentSetsEveryDocumentedVariable(t *testing.T) {
	cfg := mustLoad(t, LoadOptions{Dir: t.TempDir(), Environ: []string{
		"EDAS_STACK=envstack",
		"EDAS_REGION=eu-central-1",
		"EDAS_BUCKET_NAME=my-bucket",
		"EDAS_BUCKET_INPUT_PREFIX=incoming/",
		"EDAS_BUCKET_VERSIONING=true",
		"EDAS_TOPIC_RAWMESSAGEDELIVERY=1",
		"edas_function_architecture=x86_64", // case-insensitive
		"EDAS_FUNCTION_MEMORYMB=2048",
		"EDAS_FUNCTION_TIMEOUT_SECONDS=120",
		"EDAS_LOGS_RETENTIONDAYS=30",
		"EDAS_ACTION=thumbnail", // the handler's variable: ignored
		"PATH=/usr/bin",
	}})
	want := Config{
		Stack:    "envstack",
		Region:   "eu-central-1",
		Bucket:   Bucket{Name: "my-bucket", InputPrefix: "incoming/", Versioning: true},
		Topic:    Topic{RawMessageDelivery: true},
		Function: Function{Architecture: ArchX8664, MemoryMB: 2048, TimeoutSeconds: 120},
		Logs:     Logs{RetentionDays: 30},
	}
	got := *cfg
	got.Consumers, got.Tags = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	for _, c := range cfg.Consumers {
		if c.Function != want.Function {
			t.Errorf("default consumer %s has function %+v, want the environment's %+v", c.Name, c.Function, want.Function)
		}
	}
}

func TestLoadEnvironmentErrors(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		want    []string
	}{
		{
			name:    "a malformed integer names the variable",
			environ: []string{"EDAS_FUNCTION_MEMORYMB=lots"},
			want:    []string{`EDAS_FUNCTION_MEMORYMB: function.memoryMB: "lots" is not an integer`},
		},
		{
			name:    "a malformed boolean names the variable",
			environ: []string{"EDAS_BUCKET_VERSIONING=maybe"},
			want:    []string{`EDAS_BUCKET_VERSIONING: bucket.versioning: "maybe" is not a boolean (true or false)`},
		},
		{
			name:    "two spellings of one key must agree",
			environ: []string{"EDAS_BUCKET_INPUTPREFIX=a/", "EDAS_BUCKET_INPUT_PREFIX=b/"},
			want:    []string{`EDAS_BUCKET_INPUTPREFIX: bucket.inputPrefix: "a/" conflicts with EDAS_BUCKET_INPUT_PREFIX="b/"`},
		},
		{
			name:    "problems come in schema order whatever the environment order",
			environ: []string{"EDAS_LOGS_RETENTIONDAYS=x", "EDAS_FUNCTION_TIMEOUTSECONDS=y", "EDAS_BUCKET_VERSIONING=z"},
			want: []string{
				`EDAS_BUCKET_VERSIONING: bucket.versioning: "z" is not a boolean (true or false)`,
				`EDAS_FUNCTION_TIMEOUTSECONDS: function.timeoutSeconds: "y" is not an integer`,
				`EDAS_LOGS_RETENTIONDAYS: logs.retentionDays: "x" is not an integer`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(LoadOptions{Dir: t.TempDir(), Environ: tt.environ})
			assertLines(t, err, tt.want...)
			var envErr *EnvError
			if !errors.As(err, &envErr) {
				t.Errorf("error %v is not an *EnvError", err)
			}
		})
	}
}

func TestLoadEnvironmentEdgeCases(t *testing.T) {
	tests := []struct {
		name      string
		environ   []string
		wantStack string
	}{
		{"an empty variable counts as unset", []string{"EDAS_STACK="}, DefaultStack},
		{"the last assignment of a name wins", []string{"EDAS_STACK=first", "EDAS_STACK=second"}, "second"},
		{"an agreeing alias is accepted", []string{"EDAS_STACK=same", "Edas_Stack=same"}, "same"},
		{"names with empty parts are not settings", []string{"EDAS__STACK=x"}, DefaultStack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustLoad(t, LoadOptions{Dir: t.TempDir(), Environ: tt.environ}).Stack; got != tt.wantStack {
				t.Errorf("stack = %q, want %q", got, tt.wantStack)
			}
		})
	}
}

func TestLoadFindsTheFile(t *testing.T) {
	t.Run("edasctl.yaml in Dir is read when no file is given", func(t *testing.T) {
		dir := filepath.Dir(writeFile(t, DefaultFile, "stack: in-dir\n"))
		if got := mustLoad(t, LoadOptions{Dir: dir}).Stack; got != "in-dir" {
			t.Errorf("stack = %q, want in-dir", got)
		}
	})
	t.Run("an explicit file wins over edasctl.yaml in Dir", func(t *testing.T) {
		dir := filepath.Dir(writeFile(t, DefaultFile, "stack: in-dir\n"))
		file := writeFile(t, "other.yaml", "stack: explicit\n")
		if got := mustLoad(t, LoadOptions{Dir: dir, File: file}).Stack; got != "explicit" {
			t.Errorf("stack = %q, want explicit", got)
		}
	})
	t.Run("without any file the defaults are used", func(t *testing.T) {
		if got := mustLoad(t, LoadOptions{Dir: t.TempDir()}); !reflect.DeepEqual(got, Default()) {
			t.Errorf("got %+v, want Default()", got)
		}
	})
	t.Run("an empty file means the defaults", func(t *testing.T) {
		file := writeFile(t, "empty.yaml", "# nothing here\n")
		if got := mustLoad(t, LoadOptions{File: file}); !reflect.DeepEqual(got, Default()) {
			t.Errorf("got %+v, want Default()", got)
		}
	})
	t.Run("a missing explicit file is an error naming it", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nope.yaml")
		_, err := Load(LoadOptions{File: missing})
		assertLines(t, err, "read config: open "+missing+": no such file or directory")
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %v does not match fs.ErrNotExist", err)
		}
	})
}

func TestLoadSyntaxErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string // after "<file>"
	}{
		{"a YAML syntax error gives the file and line", "stack: edas\nbucket:\n  name: [unclosed\n", ":3: did not find expected ',' or ']'"},
		{"a scanner error gives its own line", "stack: edas\nbucket:\n  name: a: b\n", ":3: mapping values are not allowed in this context"},
		{"a misindented key gives its line", "bucket:\n  name: a\n inputPrefix: x/\n", ":3: did not find expected key"},
		{"a top level that is not a mapping is rejected", "- a\n- b\n", `:1: the configuration must be a YAML mapping, got a list`},
		{"a second YAML document is rejected", "stack: a\n---\nstack: b\n", ":2: a configuration file holds one YAML document, found a second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, "bad.yaml", tt.content)
			_, err := Load(LoadOptions{File: file})
			assertLines(t, err, file+tt.want)
			var syn *SyntaxError
			if !errors.As(err, &syn) {
				t.Errorf("error %v is not a *SyntaxError", err)
			}
		})
	}
}

func TestLoadRejectsUnknownKeys(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string // after "<file>"
	}{
		{"at the top level, with a suggestion", "stak: x\n", `:1: unknown key "stak" (did you mean "stack"?)`},
		{"at the top level, without a plausible suggestion", "colour: blue\n", `:1: unknown key "colour"`},
		{"misplaced under the top level, suggesting its real path", "memoryMB: 512\n", `:1: unknown key "memoryMB" (did you mean "function.memoryMB"?)`},
		{"nested in an object", "bucket:\n  nmae: x\n", `:2: unknown key "bucket.nmae" (did you mean "name"?)`},
		{
			"nested inside a consumer, in the user's spelling",
			"consumers:\n  - name: a\n    action: catalog\n  - name: b\n    action: catalog\n    batchsise: 5\n",
			`:6: unknown key "consumers[1].batchsise" (did you mean "batchSize"?)`,
		},
		{"inside a consumer's filter", "consumers:\n  - name: a\n    action: catalog\n    filter: {sufix: [.x]}\n", `:4: unknown key "consumers[0].filter.sufix" (did you mean "suffix"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, "x.yaml", tt.content)
			_, err := Load(LoadOptions{File: file})
			assertLines(t, err, file+tt.want)
			var unknown *UnknownKeyError
			if !errors.As(err, &unknown) {
				t.Errorf("error %v is not an *UnknownKeyError", err)
			}
		})
	}
}

func TestLoadReportsEveryFileProblemInDocumentOrder(t *testing.T) {
	file := writeFile(t, "x.yaml", "stak: x\nfunction:\n  memoryMB: lots\n  tmeoutSeconds: 3\n")
	_, err := Load(LoadOptions{File: file, Environ: []string{"EDAS_LOGS_RETENTIONDAYS=x"}})
	assertLines(t, err,
		file+`:1: unknown key "stak" (did you mean "stack"?)`,
		file+`:3: function.memoryMB: expected an integer, got "lots"`,
		file+`:4: unknown key "function.tmeoutSeconds" (did you mean "timeoutSeconds"?)`,
		`EDAS_LOGS_RETENTIONDAYS: logs.retentionDays: "x" is not an integer`,
	)
}

func TestLoadRejectsWrongTypes(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string // after "<file>"
	}{
		{"a word for an integer", "function:\n  memoryMB: lots\n", `:2: function.memoryMB: expected an integer, got "lots"`},
		{"a fraction for an integer", "logs:\n  retentionDays: 1.5\n", `:2: logs.retentionDays: expected an integer, got "1.5"`},
		{"a word for a boolean", "bucket:\n  versioning: yes\n", `:2: bucket.versioning: expected a boolean (true or false), got "yes"`},
		{"a scalar for an object", "bucket: my-bucket\n", `:1: bucket: expected a mapping, got "my-bucket"`},
		{"a list for a string", "stack: [a, b]\n", `:1: stack: expected a string, got a list`},
		{"a mapping for the consumer list", "consumers:\n  name: a\n", `:2: consumers: expected a list of mappings, got a mapping`},
		{"a scalar as a consumer", "consumers:\n  - thumbnail\n", `:2: consumers[0]: expected a mapping, got "thumbnail"`},
		{"a scalar for a suffix list", "consumers:\n  - name: a\n    action: catalog\n    filter:\n      suffix: .jpg\n", `:5: consumers[0].filter.suffix: expected a list of strings, got ".jpg"`},
		{"a null in a suffix list", "consumers:\n  - name: a\n    action: catalog\n    filter:\n      suffix: [.jpg, ~]\n", `:5: consumers[0].filter.suffix[1]: expected a string, got null`},
		{"a list for the tags", "tags: [a]\n", `:1: tags: expected a mapping of strings, got a list`},
		{"a mapping as a tag value", "tags:\n  team: {a: b}\n", `:2: tags["team"]: expected a string, got a mapping`},
		{"an integer too large", "function:\n  memoryMB: 99999999999999999999\n", `:2: function.memoryMB: expected an integer, got "99999999999999999999"`},
		{"a key set twice in different case", "function:\n  memoryMB: 512\n  memorymb: 1024\n", `:3: function.memorymb: duplicate key, already set as "memoryMB" on line 2`},
		{"a tag set twice", "tags:\n  team: a\n  team: b\n", `:3: tags["team"]: duplicate key, already set on line 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, "x.yaml", tt.content)
			_, err := Load(LoadOptions{File: file})
			assertLines(t, err, file+tt.want)
			var keyErr *KeyError
			if !errors.As(err, &keyErr) {
				t.Errorf("error %v is not a *KeyError", err)
			}
		})
	}
}

func TestLoadFileDetails(t *testing.T) {
	t.Run("keys match the schema case-insensitively", func(t *testing.T) {
		file := writeFile(t, "x.yaml", "Stack: mixed\nFUNCTION:\n  MemoryMb: 512\nConsumers:\n  - NAME: a\n    Action: catalog\n    BatchSize: 3\n")
		cfg := mustLoad(t, LoadOptions{File: file})
		if cfg.Stack != "mixed" || cfg.Function.MemoryMB != 512 || cfg.Consumers[0].BatchSize != 3 {
			t.Errorf("got %+v", cfg)
		}
	})
	t.Run("tag keys keep their case and values may be any scalar", func(t *testing.T) {
		file := writeFile(t, "x.yaml", "tags:\n  CostCenter: 1234\n  Team: Media\n  empty:\n")
		cfg := mustLoad(t, LoadOptions{File: file})
		want := map[string]string{"CostCenter": "1234", "Team": "Media", "empty": ""}
		if !reflect.DeepEqual(cfg.Tags, want) {
			t.Errorf("tags = %v, want %v", cfg.Tags, want)
		}
	})
	t.Run("a null value keeps the default", func(t *testing.T) {
		file := writeFile(t, "x.yaml", "stack:\nfunction:\n  memoryMB: ~\n")
		cfg := mustLoad(t, LoadOptions{File: file})
		if cfg.Stack != DefaultStack || cfg.Function.MemoryMB != DefaultMemoryMB {
			t.Errorf("got stack %q memoryMB %d, want the defaults", cfg.Stack, cfg.Function.MemoryMB)
		}
	})
	t.Run("YAML anchors and aliases are followed", func(t *testing.T) {
		file := writeFile(t, "x.yaml", "consumers:\n  - name: a\n    action: catalog\n    filter: &img {suffix: [.png]}\n  - name: b\n    action: thumbnail\n    filter: *img\n")
		cfg := mustLoad(t, LoadOptions{File: file})
		if got := cfg.Consumers[1].Filter.Suffix; !reflect.DeepEqual(got, []string{".png"}) {
			t.Errorf("consumers[1].filter.suffix = %v, want [.png]", got)
		}
	})
	t.Run("a file's consumers replace the default consumers", func(t *testing.T) {
		file := writeFile(t, "x.yaml", "consumers:\n  - name: only\n    action: catalog\n")
		cfg := mustLoad(t, LoadOptions{File: file})
		if len(cfg.Consumers) != 1 || cfg.Consumers[0].Name != "only" {
			t.Errorf("consumers = %+v, want just \"only\"", cfg.Consumers)
		}
	})
	t.Run("an empty consumer list fails validation", func(t *testing.T) {
		file := writeFile(t, "x.yaml", "consumers: []\n")
		_, err := Load(LoadOptions{File: file})
		assertLines(t, err, "consumers: at least one consumer is required")
	})
}

func TestLoadConsumerDefaultsAndOverrides(t *testing.T) {
	file := writeFile(t, "x.yaml", `
function:
  memoryMB: 512
consumers:
  - name: big
    action: thumbnail
    architecture: x86_64
    memoryMB: 2048
    timeoutSeconds: 120
    batchSize: 100
    batchWindowSeconds: 5
  - name: plain
    action: catalog
`)
	cfg := mustLoad(t, LoadOptions{File: file, Environ: []string{"EDAS_FUNCTION_TIMEOUTSECONDS=45"}})
	want := []Consumer{
		{
			Name: "big", Action: "thumbnail",
			BatchSize: 100, BatchWindowSeconds: 5, MaxConcurrency: DefaultMaxConcurrency, MaxReceiveCount: DefaultMaxReceiveCount,
			Function: Function{Architecture: ArchX8664, MemoryMB: 2048, TimeoutSeconds: 120},
		},
		{
			Name: "plain", Action: "catalog",
			BatchSize: DefaultBatchSize, BatchWindowSeconds: DefaultBatchWindowSeconds, MaxConcurrency: DefaultMaxConcurrency, MaxReceiveCount: DefaultMaxReceiveCount,
			Function: Function{Architecture: DefaultArchitecture, MemoryMB: 512, TimeoutSeconds: 45},
		},
	}
	if !reflect.DeepEqual(cfg.Consumers, want) {
		t.Errorf("consumers:\n got  %+v\n want %+v", cfg.Consumers, want)
	}
	if got := cfg.Consumers[0].VisibilityTimeoutSeconds(); got != 720 {
		t.Errorf("big's visibility timeout = %d, want 6 × 120 = 720", got)
	}
	if got := cfg.Consumers[1].VisibilityTimeoutSeconds(); got != 270 {
		t.Errorf("plain's visibility timeout = %d, want 6 × 45 = 270", got)
	}
}

func TestLoadValidatesTheMergedResult(t *testing.T) {
	file := writeFile(t, "x.yaml", "function:\n  timeoutSeconds: 1000\n")
	_, err := Load(LoadOptions{File: file, Flags: cliFlags(t, "--stack=Bad_Stack")})
	assertLines(t, err,
		`stack: "Bad_Stack" may contain only lowercase letters, digits and hyphens`,
		`function.timeoutSeconds: 1000 is out of range 1–900`,
	)
	var fieldErr *FieldError
	if !errors.As(err, &fieldErr) || fieldErr.Key != "stack" {
		t.Errorf("errors.As(*FieldError) = %v, want the stack error first", fieldErr)
	}
}

func TestLoadReadsTheDefaultFileFromTheWorkingDirectory(t *testing.T) {
	dir := filepath.Dir(writeFile(t, DefaultFile, "stack: from-cwd\n"))
	t.Chdir(dir)
	if got := mustLoad(t, LoadOptions{}).Stack; got != "from-cwd" {
		t.Errorf("stack = %q, want from-cwd", got)
	}
}

func TestLoadErrorsAreStable(t *testing.T) {
	// Tags live in a map; their problems must still come out in key order.
	file := writeFile(t, "x.yaml", "tags: {zz: \"a\\tb\", aws:a: 1, edas:b: 2, mm: \"x\\ny\"}\nconsumers: [{name: A, action: x}, {name: A, action: y}]\n")
	_, err := Load(LoadOptions{File: file})
	want := []string{
		`consumers[0].name: "A" may contain only lowercase letters, digits and hyphens, and must start with a letter or digit`,
		`consumers[0].action: "x" is not a known action (thumbnail, catalog)`,
		`consumers[1].name: "A" may contain only lowercase letters, digits and hyphens, and must start with a letter or digit`,
		`consumers[1].name: "A" is already the name of consumers[0]`,
		`consumers[1].action: "y" is not a known action (thumbnail, catalog)`,
		`tags["aws:a"]: the key prefix "aws:" is reserved for AWS`,
		`tags["edas:b"]: the key prefix "edas:" is reserved for edasctl's own tags`,
		`tags["mm"]: value may contain only letters, digits, spaces and _ . : / = + - @`,
		`tags["zz"]: value may contain only letters, digits, spaces and _ . : / = + - @`,
	}
	assertLines(t, err, want...)
	for range 5 {
		_, again := Load(LoadOptions{File: file})
		assertLines(t, again, want...)
	}
}
