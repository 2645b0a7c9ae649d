// Package configcmd implements `edasctl config`: print the effective
// configuration after merging flags, EDAS_* environment, the file and the
// defaults, and validating it.
package configcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// Deps are what the command takes from the root.
type Deps struct {
	IO     *iostreams.Streams
	Config func() (*config.Config, error)
	JSON   func() bool
}

// Options are the inputs of one run.
type Options struct {
	IO     *iostreams.Streams
	Config func() (*config.Config, error)
	JSON   bool
}

// NewCmd returns the `config` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration after validation",
		Long: `Print the configuration edasctl would use — defaults, then the file
(--config, else ./edasctl.yaml), then EDAS_* environment variables, then flags —
after validating every key. Invalid configuration exits with code 2 and one
line per problem, naming the key and the rule.`,
		Example: "  edasctl config\n  EDAS_STACK=dev edasctl config -o json | jq .consumers",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := &Options{IO: d.IO, Config: d.Config, JSON: d.JSON()}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(opts)
		},
	}
}

func run(opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	doc, err := json.MarshalIndent(fileView(cfg), "", "  ")
	if err != nil {
		return fmt.Errorf("encode configuration: %w", err)
	}
	if !opts.JSON {
		if doc, err = jsonToYAML(doc); err != nil {
			return fmt.Errorf("encode configuration: %w", err)
		}
	}
	_, err = fmt.Fprintf(opts.IO.Out, "%s\n", bytes.TrimRight(doc, "\n"))
	return err
}

// jsonToYAML re-renders a JSON document as block-style YAML, keeping the key
// order of the JSON (which follows the Config struct, so the output reads
// like configs/edasctl.yaml).
func jsonToYAML(doc []byte) ([]byte, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(doc, &n); err != nil {
		return nil, err
	}
	blockStyle(&n)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

func blockStyle(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle | yaml.DoubleQuotedStyle
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// consumerView is a consumer as the configuration file spells it: its
// effective function settings flat at its own level, so that the printed
// configuration can be saved and loaded again unchanged.
type consumerView struct {
	Name               string        `json:"name"`
	Action             string        `json:"action"`
	Filter             config.Filter `json:"filter"`
	BatchSize          int           `json:"batchSize"`
	BatchWindowSeconds int           `json:"batchWindowSeconds"`
	MaxConcurrency     int           `json:"maxConcurrency"`
	MaxReceiveCount    int           `json:"maxReceiveCount"`
	Architecture       string        `json:"architecture"`
	MemoryMB           int           `json:"memoryMB"`
	TimeoutSeconds     int           `json:"timeoutSeconds"`
}

type view struct {
	Stack     string            `json:"stack"`
	Region    string            `json:"region"`
	Bucket    config.Bucket     `json:"bucket"`
	Topic     config.Topic      `json:"topic"`
	Function  config.Function   `json:"function"`
	Logs      config.Logs       `json:"logs"`
	Consumers []consumerView    `json:"consumers"`
	Tags      map[string]string `json:"tags"`
}

func fileView(c *config.Config) view {
	v := view{Stack: c.Stack, Region: c.Region, Bucket: c.Bucket, Topic: c.Topic, Function: c.Function, Logs: c.Logs, Tags: c.Tags}
	if v.Tags == nil {
		v.Tags = map[string]string{}
	}
	for _, k := range c.Consumers {
		v.Consumers = append(v.Consumers, consumerView{
			Name: k.Name, Action: k.Action, Filter: k.Filter,
			BatchSize: k.BatchSize, BatchWindowSeconds: k.BatchWindowSeconds,
			MaxConcurrency: k.MaxConcurrency, MaxReceiveCount: k.MaxReceiveCount,
			Architecture: k.Function.Architecture, MemoryMB: k.Function.MemoryMB, TimeoutSeconds: k.Function.TimeoutSeconds,
		})
	}
	return v
}
