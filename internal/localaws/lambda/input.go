package lambda

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// createFunctionInput is the body of CreateFunction; fields that change
// nothing on one host (VpcConfig, TracingConfig, KMSKeyArn, …) are accepted
// and ignored, and those a function would miss at run time (Layers,
// FileSystemConfigs) are refused (refuseMissingParts).
type createFunctionInput struct {
	FunctionName      *string
	Runtime           *string
	Role              *string
	Handler           *string
	Code              *functionCode
	Description       *string
	Timeout           *int32
	MemorySize        *int32
	Environment       *environment
	Tags              map[string]string
	Architectures     []string
	PackageType       *string
	LoggingConfig     *loggingConfig
	DeadLetterConfig  *deadLetterConfig
	Layers            []string
	FileSystemConfigs []struct{ Arn, LocalMountPath string }
}

// functionCode is the Code of CreateFunction; ZipFile is base64 in JSON,
// which encoding/json decodes into the []byte.
type functionCode struct {
	ZipFile  []byte
	S3Bucket *string
	S3Key    *string
	ImageUri *string
}

// updateConfigurationInput is the body of UpdateFunctionConfiguration.
type updateConfigurationInput struct {
	Role              *string
	Handler           *string
	Description       *string
	Timeout           *int32
	MemorySize        *int32
	Environment       *environment
	Runtime           *string
	LoggingConfig     *loggingConfig
	DeadLetterConfig  *deadLetterConfig
	Layers            []string
	FileSystemConfigs []struct{ Arn, LocalMountPath string }
	RevisionId        *string
}

// updateCodeInput is the body of UpdateFunctionCode.
type updateCodeInput struct {
	ZipFile       []byte
	S3Bucket      *string
	S3Key         *string
	ImageUri      *string
	Architectures []string
	RevisionId    *string
}

// decodeJSON decodes a request body; a malformed body is Lambda's
// InvalidRequestContentException.
func decodeJSON(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return invalidContent(err)
	}
	return nil
}

// Limits of the Lambda API model and quotas
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const (
	minMemory   = 128
	maxMemory   = 10240
	minTimeout  = 1
	maxTimeout  = 900
	maxEnvBytes = 4096
	maxTags     = 50
	maxDescLen  = 256
)

var (
	rolePattern     = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)
	envKeyPattern   = regexp.MustCompile(`^[a-zA-Z]([a-zA-Z0-9_])+$`)
	logGroupPattern = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)
)

// reservedEnv are the variables Lambda sets itself and refuses in a
// function's Environment
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
var reservedEnv = []string{
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}

func validateRuntime(rt string) error {
	if !slices.Contains(supportedRuntimes, rt) {
		return invalidParameter("The runtime parameter of %s is not supported by the local AWS, which runs %s functions only.",
			rt, strings.Join(supportedRuntimes, " and "))
	}
	return nil
}

func validateRole(role string) error {
	if !rolePattern.MatchString(role) {
		return validationError(role, "role", "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")
	}
	return nil
}

func validateMemory(m int32) error {
	switch {
	case m < minMemory:
		return validationError(m, "memorySize", fmt.Sprintf("Member must have value greater than or equal to %d", minMemory))
	case m > maxMemory:
		return validationError(m, "memorySize", fmt.Sprintf("Member must have value less than or equal to %d", maxMemory))
	}
	return nil
}

func validateTimeout(t int32) error {
	switch {
	case t < minTimeout:
		return validationError(t, "timeout", fmt.Sprintf("Member must have value greater than or equal to %d", minTimeout))
	case t > maxTimeout:
		return validationError(t, "timeout", fmt.Sprintf("Member must have value less than or equal to %d", maxTimeout))
	}
	return nil
}

func validateDescription(d string) error {
	if len(d) > maxDescLen {
		return validationError("…", "description", fmt.Sprintf("Member must have length less than or equal to %d", maxDescLen))
	}
	return nil
}

// validateEnv checks the variables as Lambda does: names, reserved keys, and
// the 4 KB total.
func validateEnv(vars map[string]string) error {
	var reserved []string
	for k := range vars {
		if !envKeyPattern.MatchString(k) {
			return validationError(k, "environment.variables", "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
		}
		if slices.Contains(reservedEnv, k) {
			reserved = append(reserved, k)
		}
	}
	if len(reserved) > 0 {
		sort.Strings(reserved)
		return invalidParameter("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s",
			strings.Join(reserved, ", "))
	}
	if b, _ := json.Marshal(vars); len(b) > maxEnvBytes {
		return invalidParameter("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: %s", b)
	}
	return nil
}

// validateArchitectures returns the one architecture requested, x86_64 by
// default, as Lambda records it.
func validateArchitectures(archs []string) ([]string, error) {
	switch {
	case len(archs) == 0:
		return []string{"x86_64"}, nil
	case len(archs) > 1:
		return nil, validationError(archs, "architectures", "Member must have length less than or equal to 1")
	case archs[0] != "x86_64" && archs[0] != "arm64":
		return nil, validationError(archs, "architectures", "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]")
	}
	return archs, nil
}

func validateLogging(c *loggingConfig) error {
	if c == nil {
		return nil
	}
	if c.LogFormat != "" && c.LogFormat != "Text" && c.LogFormat != "JSON" {
		return validationError(c.LogFormat, "loggingConfig.logFormat", "Member must satisfy enum value set: [JSON, Text]")
	}
	if c.LogGroup != "" && !logGroupPattern.MatchString(c.LogGroup) {
		return validationError(c.LogGroup, "loggingConfig.logGroup", "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
	}
	return nil
}

func validateTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return invalidParameter("Number of tags exceeds resource tag limit.")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return invalidParameter("One or more tags are not valid: %q", k)
		}
	}
	return nil
}

// refuseNonZip refuses code from S3 or an image: the local AWS has no
// access to S3 from here and runs no containers.
// refuseMissingParts refuses the parts of a function the local AWS cannot
// give it: layers (it serves none, so every layer version is one that
// does not exist, which Lambda refuses too) and file systems (there is no
// EFS); silently running the function without them would fail it later,
// far from the cause.
func refuseMissingParts(layers []string, fileSystems int) error {
	switch {
	case len(layers) > 0:
		return invalidParameter("The local AWS serves no layers, so layer %s does not exist here; put what it holds into the function's zip.", layers[0])
	case fileSystems > 0:
		return invalidParameter("The local AWS has no EFS file systems; leave FileSystemConfigs out.")
	}
	return nil
}

func refuseNonZip(s3Bucket, s3Key, image *string) error {
	switch {
	case image != nil:
		return invalidParameter("The local AWS runs Zip packages only; ImageUri is not supported.")
	case s3Bucket != nil || s3Key != nil:
		return invalidParameter("The local AWS takes the deployment package as ZipFile; code from S3 is not supported.")
	}
	return nil
}
