package config

// A Config is one pipeline's complete, resolved configuration. Load returns
// it validated; a Config built in code should be checked with Validate.
// Consumers carry their effective function settings, so users of a Config
// never consult Function to find a consumer's timeout.
type Config struct {
	// Stack prefixes every resource name (see the naming methods).
	Stack string `json:"stack"`
	// Region is the AWS region; empty means "from the AWS profile or
	// environment".
	Region    string            `json:"region"`
	Bucket    Bucket            `json:"bucket"`
	Topic     Topic             `json:"topic"`
	Function  Function          `json:"function"`
	Logs      Logs              `json:"logs"`
	Consumers []Consumer        `json:"consumers"`
	Tags      map[string]string `json:"tags"`
}

// A Bucket configures the S3 bucket that receives uploads and outputs.
type Bucket struct {
	// Name overrides the derived name <stack>-<account>-<region> when set.
	Name string `json:"name" mapstructure:"name"`
	// InputPrefix is the key prefix whose object-created events feed the
	// pipeline; it ends with "/".
	InputPrefix string `json:"inputPrefix" mapstructure:"inputPrefix"`
	// Versioning turns on S3 object versioning.
	Versioning bool `json:"versioning" mapstructure:"versioning"`
}

// A Topic configures the SNS topic the bucket notifies.
type Topic struct {
	// RawMessageDelivery makes SNS deliver the S3 event itself to the queues
	// instead of an SNS envelope around it.
	RawMessageDelivery bool `json:"rawMessageDelivery" mapstructure:"rawMessageDelivery"`
}

// A Function holds a Lambda function's settings: the defaults in
// Config.Function, or a consumer's effective settings in Consumer.Function.
type Function struct {
	// Architecture is ArchARM64 or ArchX8664.
	Architecture string `json:"architecture" mapstructure:"architecture"`
	// MemoryMB is the function's memory in MB.
	MemoryMB int `json:"memoryMB" mapstructure:"memoryMB"`
	// TimeoutSeconds is the function timeout; the queue's visibility timeout
	// is VisibilityFactor times this.
	TimeoutSeconds int `json:"timeoutSeconds" mapstructure:"timeoutSeconds"`
}

// Logs configures the functions' CloudWatch Logs groups.
type Logs struct {
	// RetentionDays is one of the values CloudWatch Logs accepts
	// (see limits.go).
	RetentionDays int `json:"retentionDays" mapstructure:"retentionDays"`
}

// A Consumer is one branch of the fan-out: a queue with its DLQ, a
// subscription, a role, a log group, a function running Action and the event
// source mapping between them.
type Consumer struct {
	// Name is unique among consumers and part of every derived name.
	Name string `json:"name"`
	// Action is the handler action the function runs (see Actions).
	Action string `json:"action"`
	// Filter restricts which uploads reach this consumer; empty means all.
	Filter Filter `json:"filter"`
	// BatchSize is the event source mapping's maximum batch size.
	BatchSize int `json:"batchSize"`
	// BatchWindowSeconds is the mapping's maximum batching window.
	BatchWindowSeconds int `json:"batchWindowSeconds"`
	// MaxConcurrency is the mapping's ScalingConfig.MaximumConcurrency.
	MaxConcurrency int `json:"maxConcurrency"`
	// MaxReceiveCount is the queue's redrive maxReceiveCount: after that many
	// receives a message moves to the DLQ.
	MaxReceiveCount int `json:"maxReceiveCount"`
	// Function is the effective function configuration: Config.Function
	// with this consumer's own architecture, memoryMB and timeoutSeconds
	// applied over it.
	Function Function `json:"function"`
}

// A Filter selects uploads by object key. It becomes the subscription's SNS
// filter policy on the message body. The zero Filter matches every upload.
type Filter struct {
	// Suffix, when not empty, requires the key to end with one of these.
	Suffix []string `json:"suffix,omitempty" mapstructure:"suffix"`
	// Prefix, when not empty, requires the key to start with one of these.
	// Prefixes are full keys, so they start with Bucket.InputPrefix.
	Prefix []string `json:"prefix,omitempty" mapstructure:"prefix"`
}

// IsZero reports whether f matches every upload (no filter policy).
func (f Filter) IsZero() bool { return len(f.Suffix) == 0 && len(f.Prefix) == 0 }

// VisibilityFactor is the ratio of a queue's visibility timeout to its
// function's timeout. Lambda requires visibility ≥ function timeout and
// recommends six times it
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
const VisibilityFactor = 6

// VisibilityTimeoutSeconds is the visibility timeout of the consumer's queue:
// VisibilityFactor × its effective function timeout.
func (c Consumer) VisibilityTimeoutSeconds() int {
	return VisibilityFactor * c.Function.TimeoutSeconds
}

// Architectures Lambda accepts for a function
// (https://docs.aws.amazon.com/lambda/latest/dg/golang-package.html).
const (
	ArchARM64 = "arm64"
	ArchX8664 = "x86_64"
)

// Handler actions. The handler package implements the same names; the list
// here lets the configuration be validated without importing it.
const (
	ActionThumbnail = "thumbnail"
	ActionCatalog   = "catalog"
)

var actions = []string{ActionThumbnail, ActionCatalog}

// Actions returns the known handler actions, in documentation order.
func Actions() []string { return append([]string(nil), actions...) }

// Output prefixes the handler writes to. The input prefix must not overlap
// them, or the pipeline would trigger itself.
const (
	ThumbnailPrefix = "thumbnails/"
	CatalogPrefix   = "catalog/"
)

var outputPrefixes = []string{ThumbnailPrefix, CatalogPrefix}

// Defaults of the documented configuration (configs/edasctl.yaml).
const (
	DefaultStack              = "edas"
	DefaultInputPrefix        = "uploads/"
	DefaultArchitecture       = ArchARM64
	DefaultMemoryMB           = 256
	DefaultTimeoutSeconds     = 30
	DefaultRetentionDays      = 14
	DefaultBatchSize          = 10
	DefaultBatchWindowSeconds = 0
	DefaultMaxConcurrency     = 10
	DefaultMaxReceiveCount    = 5
)

// defaultImageSuffixes are the keys the default thumbnail consumer receives.
var defaultImageSuffixes = []string{".jpg", ".jpeg", ".png", ".gif", ".webp"}

// Default returns the documented default configuration, the one in
// configs/edasctl.yaml: stack "edas", two consumers (thumbnail for images,
// catalog for everything), arm64 functions with 256 MB and 30 s.
// Each call returns a new Config that the caller may modify.
func Default() *Config {
	fn := Function{
		Architecture:   DefaultArchitecture,
		MemoryMB:       DefaultMemoryMB,
		TimeoutSeconds: DefaultTimeoutSeconds,
	}
	return &Config{
		Stack:    DefaultStack,
		Bucket:   Bucket{InputPrefix: DefaultInputPrefix},
		Function: fn,
		Logs:     Logs{RetentionDays: DefaultRetentionDays},
		Consumers: []Consumer{
			defaultConsumer(ActionThumbnail, ActionThumbnail, Filter{Suffix: append([]string(nil), defaultImageSuffixes...)}, fn),
			defaultConsumer(ActionCatalog, ActionCatalog, Filter{}, fn),
		},
		Tags: map[string]string{},
	}
}

// defaultConsumer returns a consumer with the default mapping and redrive
// settings.
func defaultConsumer(name, action string, filter Filter, fn Function) Consumer {
	return Consumer{
		Name:               name,
		Action:             action,
		Filter:             filter,
		BatchSize:          DefaultBatchSize,
		BatchWindowSeconds: DefaultBatchWindowSeconds,
		MaxConcurrency:     DefaultMaxConcurrency,
		MaxReceiveCount:    DefaultMaxReceiveCount,
		Function:           fn,
	}
}
