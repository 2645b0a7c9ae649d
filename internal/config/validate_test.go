package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *Config)
		want   []string // nil: valid
	}{
		// stack
		{"stack is required", func(c *Config) { c.Stack = "" },
			[]string{`stack: required: it prefixes every resource name`}},
		{"stack uses only lowercase letters, digits and hyphens", func(c *Config) { c.Stack = "My_Stack" },
			[]string{`stack: "My_Stack" may contain only lowercase letters, digits and hyphens`}},
		{"stack starts with a letter", func(c *Config) { c.Stack = "1edas" },
			[]string{`stack: "1edas" must start with a lowercase letter`}},
		{"stack has no double hyphen", func(c *Config) { c.Stack = "ed--as" },
			[]string{`stack: "ed--as" must not contain "--"`}},
		{"stack does not end with a hyphen", func(c *Config) { c.Stack = "edas-" },
			[]string{`stack: "edas-" must not end with "-"`}},
		{"stack must not make a reserved bucket prefix", func(c *Config) { c.Stack = "sthree" },
			[]string{`stack: derived bucket name "sthree-123456789012-us-east-1" (for a 12-digit account ID) must not start with the reserved prefix "sthree-"; choose another stack name or set bucket.name`}},
		{"stack may make a reserved bucket prefix when bucket.name is set", func(c *Config) { c.Stack = "sthree"; c.Bucket.Name = "my-bucket" },
			nil},

		// region
		{"region may be empty", func(c *Config) { c.Region = "" }, nil},
		{"region must look like a region", func(c *Config) { c.Region = "US-East-1" },
			[]string{`region: "US-East-1" is not a region name like us-east-1`}},
		{"region without its number is rejected", func(c *Config) { c.Region = "eu-west" },
			[]string{`region: "eu-west" is not a region name like us-east-1`}},
		{"region accepts GovCloud", func(c *Config) { c.Region = "us-gov-west-1" }, nil},
		{"region accepts China", func(c *Config) { c.Region = "cn-north-1" }, nil},

		// bucket.name (S3 rules, S1)
		{"bucket name may use dots", func(c *Config) { c.Bucket.Name = "my.bucket-1" }, nil},
		{"bucket name has at least 3 characters", func(c *Config) { c.Bucket.Name = "ab" },
			[]string{`bucket.name: "ab" is 2 characters, outside S3's range 3–63`}},
		{"bucket name has at most 63 characters", func(c *Config) { c.Bucket.Name = strings.Repeat("b", 64) },
			[]string{fmt.Sprintf(`bucket.name: %q is 64 characters, outside S3's range 3–63`, strings.Repeat("b", 64))}},
		{"bucket name uses only lowercase letters, digits, dots and hyphens", func(c *Config) { c.Bucket.Name = "my_bucket" },
			[]string{`bucket.name: "my_bucket" may contain only lowercase letters, digits, "." and "-"`}},
		{"bucket name starts and ends with a letter or digit", func(c *Config) { c.Bucket.Name = "-bucket" },
			[]string{`bucket.name: "-bucket" must start and end with a lowercase letter or digit`}},
		{"bucket name has no adjacent dots", func(c *Config) { c.Bucket.Name = "my..bucket" },
			[]string{`bucket.name: "my..bucket" must not contain ".."`}},
		{"bucket name is not an IP address", func(c *Config) { c.Bucket.Name = "192.168.5.4" },
			[]string{`bucket.name: "192.168.5.4" must not be formatted as an IP address`}},
		{"bucket name avoids the prefix xn--", func(c *Config) { c.Bucket.Name = "xn--bucket" },
			[]string{`bucket.name: "xn--bucket" must not start with the reserved prefix "xn--"`}},
		{"bucket name avoids the prefix sthree-", func(c *Config) { c.Bucket.Name = "sthree-bucket" },
			[]string{`bucket.name: "sthree-bucket" must not start with the reserved prefix "sthree-"`}},
		{"bucket name avoids the prefix amzn-s3-demo-", func(c *Config) { c.Bucket.Name = "amzn-s3-demo-bucket" },
			[]string{`bucket.name: "amzn-s3-demo-bucket" must not start with the reserved prefix "amzn-s3-demo-"`}},
		{"bucket name avoids the suffix -s3alias", func(c *Config) { c.Bucket.Name = "bucket-s3alias" },
			[]string{`bucket.name: "bucket-s3alias" must not end with the reserved suffix "-s3alias"`}},
		{"bucket name avoids the suffix --ol-s3", func(c *Config) { c.Bucket.Name = "bucket--ol-s3" },
			[]string{`bucket.name: "bucket--ol-s3" must not end with the reserved suffix "--ol-s3"`}},
		{"bucket name avoids the suffix .mrap", func(c *Config) { c.Bucket.Name = "bucket.mrap" },
			[]string{`bucket.name: "bucket.mrap" must not end with the reserved suffix ".mrap"`}},
		{"bucket name avoids the suffix --x-s3", func(c *Config) { c.Bucket.Name = "bucket--x-s3" },
			[]string{`bucket.name: "bucket--x-s3" must not end with the reserved suffix "--x-s3"`}},

		// bucket.inputPrefix
		{"input prefix is required", func(c *Config) { c.Bucket.InputPrefix = "" },
			[]string{`bucket.inputPrefix: required: the key prefix of uploads, such as "uploads/"`}},
		{"input prefix does not start with a slash", func(c *Config) { c.Bucket.InputPrefix = "/uploads/" },
			[]string{`bucket.inputPrefix: "/uploads/" must not start with "/"`}},
		{"input prefix ends with a slash", func(c *Config) { c.Bucket.InputPrefix = "uploads" },
			[]string{`bucket.inputPrefix: "uploads" must end with "/"`}},
		{"input prefix is not an output prefix", func(c *Config) { c.Bucket.InputPrefix = "thumbnails/" },
			[]string{`bucket.inputPrefix: "thumbnails/" overlaps the output prefix "thumbnails/", so the pipeline would trigger itself`}},
		{"input prefix is not inside an output prefix", func(c *Config) { c.Bucket.InputPrefix = "catalog/in/" },
			[]string{`bucket.inputPrefix: "catalog/in/" overlaps the output prefix "catalog/", so the pipeline would trigger itself`}},
		{"input prefix does not contain an output prefix", func(c *Config) { c.Bucket.InputPrefix = "cat" },
			[]string{
				`bucket.inputPrefix: "cat" must end with "/"`,
				`bucket.inputPrefix: "cat" overlaps the output prefix "catalog/", so the pipeline would trigger itself`,
			}},
		{"input prefix may be nested", func(c *Config) { c.Bucket.InputPrefix = "in/images/" }, nil},

		// function
		{"architecture is arm64 or x86_64", func(c *Config) { setFunction(c, func(f *Function) { f.Architecture = "arm" }) },
			[]string{`function.architecture: "arm" must be arm64 or x86_64`}},
		{"memory is at least 128 MB", func(c *Config) { setFunction(c, func(f *Function) { f.MemoryMB = 127 }) },
			[]string{`function.memoryMB: 127 is out of range 128–10240`}},
		{"memory is at most 10240 MB", func(c *Config) { setFunction(c, func(f *Function) { f.MemoryMB = 10241 }) },
			[]string{`function.memoryMB: 10241 is out of range 128–10240`}},
		{"timeout is at least 1 s", func(c *Config) { setFunction(c, func(f *Function) { f.TimeoutSeconds = 0 }) },
			[]string{`function.timeoutSeconds: 0 is out of range 1–900`}},
		{"timeout is at most 900 s", func(c *Config) { setFunction(c, func(f *Function) { f.TimeoutSeconds = 1000 }) },
			[]string{`function.timeoutSeconds: 1000 is out of range 1–900`}},
		{"the visibility timeout, 6 × timeout, is at most 12 h", func(c *Config) { setFunction(c, func(f *Function) { f.TimeoutSeconds = 7201 }) },
			[]string{
				`function.timeoutSeconds: 7201 is out of range 1–900`,
				`function.timeoutSeconds: 7201 makes the queue visibility timeout 43206 s (6 × timeout), above SQS's limit of 43200 s (12 h)`,
			}},

		// logs
		{"retention is a value CloudWatch Logs accepts", func(c *Config) { c.Logs.RetentionDays = 10 },
			[]string{`logs.retentionDays: 10 is not a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)`}},
		{"retention accepts ten years", func(c *Config) { c.Logs.RetentionDays = 3653 }, nil},

		// consumers
		{"at least one consumer is required", func(c *Config) { c.Consumers = nil },
			[]string{`consumers: at least one consumer is required`}},
		{"consumer names are unique", func(c *Config) { c.Consumers[1].Name = "thumbnail" },
			[]string{`consumers[1].name: "thumbnail" is already the name of consumers[0]`}},
		{"consumer name is required", func(c *Config) { c.Consumers[0].Name = "" },
			[]string{`consumers[0].name: required`}},
		{"consumer name uses only lowercase letters, digits and hyphens", func(c *Config) { c.Consumers[0].Name = "Thumb_nail" },
			[]string{`consumers[0].name: "Thumb_nail" may contain only lowercase letters, digits and hyphens, and must start with a letter or digit`}},
		{"consumer name does not start with a hyphen", func(c *Config) { c.Consumers[0].Name = "-thumb" },
			[]string{`consumers[0].name: "-thumb" may contain only lowercase letters, digits and hyphens, and must start with a letter or digit`}},
		{"consumer name does not end like a dead-letter queue", func(c *Config) { c.Consumers[0].Name = "thumbnail-dlq" },
			[]string{`consumers[0].name: "thumbnail-dlq" must not end with "-dlq", which would clash with a dead-letter queue's name`}},
		{"consumer action is required", func(c *Config) { c.Consumers[0].Action = "" },
			[]string{`consumers[0].action: required: one of thumbnail, catalog`}},
		{"consumer action is a known action", func(c *Config) { c.Consumers[0].Action = "resize" },
			[]string{`consumers[0].action: "resize" is not a known action (thumbnail, catalog)`}},
		{"filter suffixes are not empty", func(c *Config) { c.Consumers[0].Filter.Suffix = []string{".jpg", ""} },
			[]string{`consumers[0].filter.suffix[1]: must not be empty`}},
		{"filter prefixes are not empty", func(c *Config) { c.Consumers[1].Filter.Prefix = []string{""} },
			[]string{`consumers[1].filter.prefix[0]: must not be empty`}},
		{"filter prefixes lie under the input prefix", func(c *Config) { c.Consumers[1].Filter.Prefix = []string{"images/"} },
			[]string{`consumers[1].filter.prefix[0]: "images/" is outside bucket.inputPrefix "uploads/", so no upload would match`}},
		{"filter prefixes may narrow the input prefix", func(c *Config) { c.Consumers[1].Filter.Prefix = []string{"uploads/docs/"} }, nil},
		{"batch size is at least 1", func(c *Config) { c.Consumers[0].BatchSize = 0 },
			[]string{`consumers[0].batchSize: 0 is out of range 1–10`}},
		{"batch size above 10 needs a batching window", func(c *Config) { c.Consumers[0].BatchSize = 11 },
			[]string{`consumers[0].batchSize: 11 is out of range 1–10; up to 10000 needs batchWindowSeconds ≥ 1`}},
		{"batch size up to 10000 is allowed with a batching window", func(c *Config) {
			c.Consumers[0].BatchSize, c.Consumers[0].BatchWindowSeconds = 10000, 1
		}, nil},
		{"batch size is at most 10000 even with a batching window", func(c *Config) {
			c.Consumers[0].BatchSize, c.Consumers[0].BatchWindowSeconds = 10001, 1
		}, []string{`consumers[0].batchSize: 10001 is out of range 1–10000`}},
		{"batching window is not negative", func(c *Config) { c.Consumers[0].BatchWindowSeconds = -1 },
			[]string{`consumers[0].batchWindowSeconds: -1 is out of range 0–300`}},
		{"batching window is at most 300 s", func(c *Config) { c.Consumers[0].BatchWindowSeconds = 301 },
			[]string{`consumers[0].batchWindowSeconds: 301 is out of range 0–300`}},
		{"maximum concurrency is at least 2", func(c *Config) { c.Consumers[0].MaxConcurrency = 1 },
			[]string{`consumers[0].maxConcurrency: 1 is out of range 2–1000`}},
		{"maximum concurrency is at most 1000", func(c *Config) { c.Consumers[0].MaxConcurrency = 1001 },
			[]string{`consumers[0].maxConcurrency: 1001 is out of range 2–1000`}},
		{"max receive count is at least 1", func(c *Config) { c.Consumers[0].MaxReceiveCount = 0 },
			[]string{`consumers[0].maxReceiveCount: 0 is out of range 1–1000`}},
		{"max receive count is at most 1000", func(c *Config) { c.Consumers[0].MaxReceiveCount = 1001 },
			[]string{`consumers[0].maxReceiveCount: 1001 is out of range 1–1000`}},
		{"a consumer's own function override is checked under the consumer", func(c *Config) {
			c.Consumers[1].Function.TimeoutSeconds = 901
			c.Consumers[1].Function.Architecture = "ppc"
		}, []string{
			`consumers[1].architecture: "ppc" must be arm64 or x86_64`,
			`consumers[1].timeoutSeconds: 901 is out of range 1–900`,
		}},
		{"a valid consumer override passes", func(c *Config) { c.Consumers[1].Function.MemoryMB = 4096 }, nil},

		// tags
		{"tags may be set", func(c *Config) { c.Tags = map[string]string{"team": "media", "cost-center": "1234", "note": ""} }, nil},
		{"tag keys are not empty", func(c *Config) { c.Tags = map[string]string{"": "x"} },
			[]string{`tags[""]: tag keys must not be empty`}},
		{"tag keys have at most 128 characters", func(c *Config) { c.Tags = map[string]string{strings.Repeat("é", 129): "x"} },
			[]string{fmt.Sprintf(`tags[%q]: key is 129 characters, above the limit of 128`, strings.Repeat("é", 129))}},
		{"tag values have at most 256 characters", func(c *Config) { c.Tags = map[string]string{"k": strings.Repeat("v", 257)} },
			[]string{`tags["k"]: value is 257 characters, above the limit of 256`}},
		{"tag keys do not use the aws: prefix in any case", func(c *Config) { c.Tags = map[string]string{"AWS:owner": "x"} },
			[]string{`tags["AWS:owner"]: the key prefix "aws:" is reserved for AWS`}},
		{"tag keys do not use the edas: prefix", func(c *Config) { c.Tags = map[string]string{"edas:stack": "other"} },
			[]string{`tags["edas:stack"]: the key prefix "edas:" is reserved for edasctl's own tags`}},
		{"tag keys use the characters every service accepts", func(c *Config) { c.Tags = map[string]string{"a*b": "x"} },
			[]string{`tags["a*b"]: key may contain only letters, digits, spaces and _ . : / = + - @`}},
		{"at most 48 user tags", func(c *Config) { c.Tags = manyTags(49) },
			[]string{`tags: 49 tags, above the limit of 48 (AWS allows 50 per resource and edasctl adds edas:stack and edas:managed-by)`}},
		{"48 user tags are allowed", func(c *Config) { c.Tags = manyTags(48) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.Region = "us-east-1"
			tt.modify(c)
			err := c.Validate()
			assertLines(t, err, tt.want...)
			var fieldErr *FieldError
			if err != nil && !errors.As(err, &fieldErr) {
				t.Errorf("error %v is not a *FieldError", err)
			}
		})
	}
}

// setFunction changes the function defaults and, as Load would, the
// effective settings of every consumer that inherits them.
func setFunction(c *Config, change func(*Function)) {
	change(&c.Function)
	for i := range c.Consumers {
		change(&c.Consumers[i].Function)
	}
}

func manyTags(n int) map[string]string {
	tags := map[string]string{}
	for i := range n {
		tags[fmt.Sprintf("k%02d", i)] = "v"
	}
	return tags
}

func TestValidateDerivedNameLimits(t *testing.T) {
	stack36 := "s" + strings.Repeat("a", 35)
	stack70 := "s" + strings.Repeat("a", 69)
	stack500 := "s" + strings.Repeat("a", 499)
	tests := []struct {
		name   string
		modify func(c *Config)
		want   []string
	}{
		{
			"a 36-character stack overflows the derived bucket name with the longest region",
			func(c *Config) { c.Stack = stack36 },
			[]string{fmt.Sprintf(`stack: derived bucket name "%s-123456789012-ap-southeast-2" (for a 12-digit account ID and the longest region name) is 64 characters, outside S3's range 3–63; use a shorter stack name or set bucket.name`, stack36)},
		},
		{
			"the configured region is used instead of the longest when set",
			func(c *Config) { c.Stack = stack36; c.Region = "us-east-1" },
			nil,
		},
		{
			"a 64-character derived bucket name is reported with the configured region",
			func(c *Config) { c.Stack = stack36 + "aaaaa"; c.Region = "us-east-1" },
			[]string{fmt.Sprintf(`stack: derived bucket name "%saaaaa-123456789012-us-east-1" (for a 12-digit account ID) is 64 characters, outside S3's range 3–63; use a shorter stack name or set bucket.name`, stack36)},
		},
		{
			"a configured bucket name lifts the derived bucket limit",
			func(c *Config) { c.Stack = stack36; c.Bucket.Name = "my-bucket" },
			nil,
		},
		{
			"a 70-character stack overflows the DLQ, role and function names",
			func(c *Config) { c.Stack = stack70; c.Bucket.Name = "my-bucket" },
			[]string{
				fmt.Sprintf(`consumers[0].name: derived dead-letter queue name "%s-thumbnail-dlq" is 84 characters, above SQS's limit of 80; use a shorter stack or consumer name`, stack70),
				fmt.Sprintf(`consumers[0].name: derived role name "%s-thumbnail" is 80 characters, above IAM's limit of 64; use a shorter stack or consumer name`, stack70),
				fmt.Sprintf(`consumers[0].name: derived function name "%s-thumbnail" is 80 characters, above Lambda's limit of 64; use a shorter stack or consumer name`, stack70),
				fmt.Sprintf(`consumers[1].name: derived dead-letter queue name "%s-catalog-dlq" is 82 characters, above SQS's limit of 80; use a shorter stack or consumer name`, stack70),
				fmt.Sprintf(`consumers[1].name: derived role name "%s-catalog" is 78 characters, above IAM's limit of 64; use a shorter stack or consumer name`, stack70),
				fmt.Sprintf(`consumers[1].name: derived function name "%s-catalog" is 78 characters, above Lambda's limit of 64; use a shorter stack or consumer name`, stack70),
			},
		},
		{
			"a 500-character stack overflows the topic, queue and log group names too",
			func(c *Config) {
				c.Stack = stack500
				c.Bucket.Name = "my-bucket"
				c.Consumers = c.Consumers[1:]
				c.Consumers[0].Name = "a"
			},
			[]string{
				fmt.Sprintf(`stack: derived topic name "%s-uploads" is 508 characters, above SNS's limit of 256; use a shorter stack name`, stack500),
				fmt.Sprintf(`consumers[0].name: derived queue name "%s-a" is 502 characters, above SQS's limit of 80; use a shorter stack or consumer name`, stack500),
				fmt.Sprintf(`consumers[0].name: derived dead-letter queue name "%s-a-dlq" is 506 characters, above SQS's limit of 80; use a shorter stack or consumer name`, stack500),
				fmt.Sprintf(`consumers[0].name: derived role name "%s-a" is 502 characters, above IAM's limit of 64; use a shorter stack or consumer name`, stack500),
				fmt.Sprintf(`consumers[0].name: derived function name "%s-a" is 502 characters, above Lambda's limit of 64; use a shorter stack or consumer name`, stack500),
				fmt.Sprintf(`consumers[0].name: derived log group name "/aws/lambda/%s-a" is 514 characters, above CloudWatch Logs's limit of 512; use a shorter stack or consumer name`, stack500),
			},
		},
		{
			"a long consumer name alone can overflow the function name",
			func(c *Config) { c.Consumers[1].Name = strings.Repeat("c", 60) },
			[]string{
				fmt.Sprintf(`consumers[1].name: derived role name "edas-%s" is 65 characters, above IAM's limit of 64; use a shorter stack or consumer name`, strings.Repeat("c", 60)),
				fmt.Sprintf(`consumers[1].name: derived function name "edas-%s" is 65 characters, above Lambda's limit of 64; use a shorter stack or consumer name`, strings.Repeat("c", 60)),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.modify(c)
			assertLines(t, c.Validate(), tt.want...)
		})
	}
}

func TestValidateReportsInheritedFunctionProblemsOnce(t *testing.T) {
	c := Default()
	setFunction(c, func(f *Function) { f.MemoryMB = 64 })
	assertLines(t, c.Validate(), `function.memoryMB: 64 is out of range 128–10240`)
}

func TestValidateReportsEveryProblemInSchemaOrder(t *testing.T) {
	c := Default()
	c.Stack = "Edas"
	c.Region = "nowhere"
	c.Bucket.InputPrefix = "uploads"
	c.Logs.RetentionDays = 2
	c.Consumers[0].BatchSize = 0
	c.Tags = map[string]string{"aws:x": "y"}
	assertLines(t, c.Validate(),
		`stack: "Edas" may contain only lowercase letters, digits and hyphens`,
		`region: "nowhere" is not a region name like us-east-1`,
		`bucket.inputPrefix: "uploads" must end with "/"`,
		`logs.retentionDays: 2 is not a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)`,
		`consumers[0].batchSize: 0 is out of range 1–10`,
		`tags["aws:x"]: the key prefix "aws:" is reserved for AWS`,
	)
}
