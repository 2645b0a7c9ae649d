package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// DefaultFile is the file Load reads from LoadOptions.Dir when no file is
// given.
const DefaultFile = "edasctl.yaml"

// Flags that override configuration keys of the same name when set.
const (
	FlagStack  = "stack"
	FlagRegion = "region"
)

// LoadOptions says where configuration comes from. Zero values mean "none".
type LoadOptions struct {
	// File is the --config file. Empty means DefaultFile in Dir if it
	// exists, else defaults only. A File that does not exist is an error.
	File string
	// Flags are the CLI's flags. FlagStack and FlagRegion override the
	// configuration when present and marked Changed.
	Flags *pflag.FlagSet
	// Environ is an os.Environ-style list; EDAS_* variables are read from it
	// and never from the process environment.
	Environ []string
	// Dir is where DefaultFile is looked for when File is empty; empty
	// means the current directory.
	Dir string
}

// Load builds the configuration from, lowest precedence first: the
// defaults, the file, the EDAS_* variables in opts.Environ and the changed
// flags. It decodes the file strictly, then validates the result and
// returns every problem found, joined, one per line: file problems
// (*SyntaxError, *UnknownKeyError, *KeyError) and environment problems
// (*EnvError) first, else validation problems (*FieldError). A missing
// explicit file is an error matching fs.ErrNotExist.
func Load(opts LoadOptions) (*Config, error) {
	file, err := readFile(opts)
	if err != nil {
		return nil, err
	}
	env, envErr := parseEnviron(opts.Environ)
	if err := errors.Join(file.err, envErr); err != nil {
		return nil, err
	}

	v := viper.New()
	setDefaults(v, Default())
	if err := v.MergeConfigMap(file.settings); err != nil {
		return nil, fmt.Errorf("merge config file: %w", err)
	}
	if err := v.MergeConfigMap(env); err != nil {
		return nil, fmt.Errorf("merge environment: %w", err)
	}
	if err := bindFlags(v, opts.Flags); err != nil {
		return nil, err
	}
	var raw rawConfig
	if err := v.UnmarshalExact(&raw); err != nil {
		return nil, fmt.Errorf("decode config: %w", err)
	}
	cfg := raw.resolve(file.tags)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// A loadedFile is the outcome of reading the configuration file: its
// settings, or the problems found in it (err), or nothing when there is no
// file.
type loadedFile struct {
	parsedFile
	err error
}

// readFile reads and strictly decodes the configuration file that opts
// designate. The returned error is for the file as a whole (unreadable);
// problems inside it are in loadedFile.err.
func readFile(opts LoadOptions) (loadedFile, error) {
	path := opts.File
	if path == "" {
		path = filepath.Join(opts.Dir, DefaultFile)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return loadedFile{}, nil
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return loadedFile{}, fmt.Errorf("read config: %w", err)
	}
	parsed, err := parseFile(path, data)
	return loadedFile{parsedFile: parsed, err: err}, nil
}

// setDefaults registers d's values as viper defaults. Consumers are one
// list-valued default; a file's consumers replace it whole. Tags do not go
// through viper, which would lower-case their keys.
func setDefaults(v *viper.Viper, d *Config) {
	v.SetDefault("stack", d.Stack)
	v.SetDefault("region", d.Region)
	v.SetDefault("bucket.name", d.Bucket.Name)
	v.SetDefault("bucket.inputPrefix", d.Bucket.InputPrefix)
	v.SetDefault("bucket.versioning", d.Bucket.Versioning)
	v.SetDefault("topic.rawMessageDelivery", d.Topic.RawMessageDelivery)
	v.SetDefault("function.architecture", d.Function.Architecture)
	v.SetDefault("function.memoryMB", d.Function.MemoryMB)
	v.SetDefault("function.timeoutSeconds", d.Function.TimeoutSeconds)
	v.SetDefault("logs.retentionDays", d.Logs.RetentionDays)
	consumers := make([]any, 0, len(d.Consumers))
	for _, c := range d.Consumers {
		// No function keys: default consumers inherit function.*, so that
		// EDAS_FUNCTION_TIMEOUTSECONDS reaches them.
		m := map[string]any{
			"name":               c.Name,
			"action":             c.Action,
			"batchSize":          c.BatchSize,
			"batchWindowSeconds": c.BatchWindowSeconds,
			"maxConcurrency":     c.MaxConcurrency,
			"maxReceiveCount":    c.MaxReceiveCount,
		}
		if !c.Filter.IsZero() {
			m["filter"] = map[string]any{"suffix": c.Filter.Suffix, "prefix": c.Filter.Prefix}
		}
		consumers = append(consumers, m)
	}
	v.SetDefault("consumers", consumers)
}

// bindFlags makes the changed flags among FlagStack and FlagRegion override
// their keys. Flags missing from fs are skipped.
func bindFlags(v *viper.Viper, fs *pflag.FlagSet) error {
	if fs == nil {
		return nil
	}
	for _, name := range []string{FlagStack, FlagRegion} {
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if err := v.BindPFlag(name, f); err != nil {
			return fmt.Errorf("bind flag --%s: %w", name, err)
		}
	}
	return nil
}

// rawConfig is the merged configuration as viper decodes it. Consumer
// fields are pointers so that unset ones can take their defaults.
type rawConfig struct {
	Stack     string        `mapstructure:"stack"`
	Region    string        `mapstructure:"region"`
	Bucket    Bucket        `mapstructure:"bucket"`
	Topic     Topic         `mapstructure:"topic"`
	Function  Function      `mapstructure:"function"`
	Logs      Logs          `mapstructure:"logs"`
	Consumers []rawConsumer `mapstructure:"consumers"`
}

type rawConsumer struct {
	Name               string  `mapstructure:"name"`
	Action             string  `mapstructure:"action"`
	Filter             Filter  `mapstructure:"filter"`
	BatchSize          *int    `mapstructure:"batchSize"`
	BatchWindowSeconds *int    `mapstructure:"batchWindowSeconds"`
	MaxConcurrency     *int    `mapstructure:"maxConcurrency"`
	MaxReceiveCount    *int    `mapstructure:"maxReceiveCount"`
	Architecture       *string `mapstructure:"architecture"`
	MemoryMB           *int    `mapstructure:"memoryMB"`
	TimeoutSeconds     *int    `mapstructure:"timeoutSeconds"`
}

// resolve builds the Config: consumers get defaults for what they leave
// unset and their effective function settings; tags (nil for none) become
// a non-nil map.
func (r rawConfig) resolve(tags map[string]string) *Config {
	cfg := &Config{
		Stack:    r.Stack,
		Region:   r.Region,
		Bucket:   r.Bucket,
		Topic:    r.Topic,
		Function: r.Function,
		Logs:     r.Logs,
		Tags:     map[string]string{},
	}
	maps.Copy(cfg.Tags, tags)
	for _, rc := range r.Consumers {
		fn := r.Function
		if rc.Architecture != nil {
			fn.Architecture = *rc.Architecture
		}
		if rc.MemoryMB != nil {
			fn.MemoryMB = *rc.MemoryMB
		}
		if rc.TimeoutSeconds != nil {
			fn.TimeoutSeconds = *rc.TimeoutSeconds
		}
		cfg.Consumers = append(cfg.Consumers, Consumer{
			Name:               rc.Name,
			Action:             rc.Action,
			Filter:             Filter{Suffix: nonEmpty(rc.Filter.Suffix), Prefix: nonEmpty(rc.Filter.Prefix)},
			BatchSize:          orDefault(rc.BatchSize, DefaultBatchSize),
			BatchWindowSeconds: orDefault(rc.BatchWindowSeconds, DefaultBatchWindowSeconds),
			MaxConcurrency:     orDefault(rc.MaxConcurrency, DefaultMaxConcurrency),
			MaxReceiveCount:    orDefault(rc.MaxReceiveCount, DefaultMaxReceiveCount),
			Function:           fn,
		})
	}
	return cfg
}

func orDefault(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// nonEmpty returns s, or nil when s is empty, so that "suffix: []" and no
// suffix compare equal.
func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
