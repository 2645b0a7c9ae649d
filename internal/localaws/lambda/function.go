package lambda

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Runtimes the local AWS runs: the OS-only runtimes, whose bootstrap is
// any executable (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-provided.html).
var supportedRuntimes = []string{"provided.al2023", "provided.al2"}

const (
	versionLatest = "$LATEST"
	packageZip    = "Zip"
	lastModLayout = "2006-01-02T15:04:05.000-0700"
	// reasonCreating is what Lambda reports while a function is being
	// created or updated.
	reasonCreating     = "The function is being created."
	reasonCodeCreating = "Creating"
)

// A function is one function's stored state. Values are never modified
// once published in Service.fns: changes replace the whole value.
type function struct {
	Name             string
	Region           string
	Runtime          string
	Handler          string
	Role             string
	Description      string
	MemorySize       int32
	Timeout          int32
	Architectures    []string
	Env              map[string]string
	Tags             map[string]string
	LogFormat        string
	LogGroup         string // "" means /aws/lambda/<Name>
	CodeSha256       string // base64 of the zip's SHA-256, as Lambda reports it
	CodeHex          string // hex of the same digest: the zip's file name
	CodeSize         int64
	Reserved         *int32 // reserved concurrency, nil when unset
	RevisionID       string
	LastModified     time.Time
	PendingUntil     time.Time          // State is Pending before this instant
	UpdatingUntil    time.Time          // LastUpdateStatus is InProgress before this instant
	Generation       int64              // changes whenever running instances become stale
	Permissions      []permission       // the resource-based policy's statements, in the order added
	EventInvoke      *eventInvokeConfig // asynchronous invocation settings; nil: Lambda's defaults
	DeadLetterTarget string             // DeadLetterConfig's TargetArn, "" for none
}

// clone returns a copy of f that shares nothing mutable with it.
func (f *function) clone() *function {
	c := *f
	c.Architectures = append([]string(nil), f.Architectures...)
	c.Env = maps.Clone(f.Env)
	c.Tags = maps.Clone(f.Tags)
	c.Permissions = slices.Clone(f.Permissions)
	if f.EventInvoke != nil {
		e := *f.EventInvoke
		c.EventInvoke = &e
	}
	if f.Reserved != nil {
		r := *f.Reserved
		c.Reserved = &r
	}
	return &c
}

func (f *function) logGroup() string {
	if f.LogGroup != "" {
		return f.LogGroup
	}
	return "/aws/lambda/" + f.Name
}

func (f *function) pending(now time.Time) bool  { return now.Before(f.PendingUntil) }
func (f *function) updating(now time.Time) bool { return now.Before(f.UpdatingUntil) }

// functionARN formats a function's unqualified ARN.
func functionARN(region, account, name string) string {
	return "arn:aws:lambda:" + region + ":" + account + ":function:" + name
}

// namePattern is the FunctionName of CreateFunction
// (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html).
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// qualifiedNamePattern is what the FunctionName path parameter of the
// other operations accepts: a name, a partial ARN or a full ARN, each with
// an optional qualifier.
const qualifiedNamePattern = `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`

var qualifiedNameRE = regexp.MustCompile(`^` + qualifiedNamePattern + `$`)

// parseFunctionName splits the FunctionName parameter into the function's
// name, its region and account if given, and its qualifier.
func parseFunctionName(s string) (name, region, account, qualifier string, err error) {
	m := qualifiedNameRE.FindStringSubmatch(s)
	if m == nil || len(s) > 170 {
		return "", "", "", "", validationError(s, "functionName",
			"Member must satisfy regular expression pattern: "+qualifiedNamePattern)
	}
	region = strings.TrimSuffix(m[3], ":")
	account = strings.TrimSuffix(m[5], ":")
	name = m[7]
	qualifier = m[9]
	if len(name) > 64 {
		return "", "", "", "", validationError(s, "functionName", "Member must have length less than or equal to 64")
	}
	return name, region, account, qualifier, nil
}

// functionConfiguration is the FunctionConfiguration shape
// (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html).
type functionConfiguration struct {
	FunctionName               string
	FunctionArn                string
	Runtime                    string
	Role                       string
	Handler                    string `json:",omitempty"`
	CodeSize                   int64
	Description                string
	Timeout                    int32
	MemorySize                 int32
	LastModified               string
	CodeSha256                 string
	Version                    string
	Environment                *environment `json:",omitempty"`
	TracingConfig              tracingConfig
	RevisionId                 string
	State                      string
	StateReason                string `json:",omitempty"`
	StateReasonCode            string `json:",omitempty"`
	LastUpdateStatus           string `json:",omitempty"`
	LastUpdateStatusReason     string `json:",omitempty"`
	LastUpdateStatusReasonCode string `json:",omitempty"`
	PackageType                string
	Architectures              []string
	EphemeralStorage           ephemeralStorage
	LoggingConfig              loggingConfig
	SnapStart                  snapStart
	DeadLetterConfig           *deadLetterConfig `json:",omitempty"`
}

type environment struct {
	Variables map[string]string
}

type tracingConfig struct{ Mode string }

type ephemeralStorage struct{ Size int32 }

type loggingConfig struct {
	LogFormat           string `json:",omitempty"`
	LogGroup            string `json:",omitempty"`
	ApplicationLogLevel string `json:",omitempty"`
	SystemLogLevel      string `json:",omitempty"`
}

type snapStart struct{ ApplyOn, OptimizationStatus string }

// configuration renders f as seen at now. creating and updating force the
// Pending and InProgress states, as the responses of CreateFunction and the
// update operations show them.
func (f *function) configuration(account string, now time.Time, creating, updating bool) functionConfiguration {
	c := functionConfiguration{
		FunctionName:     f.Name,
		FunctionArn:      functionARN(f.Region, account, f.Name),
		Runtime:          f.Runtime,
		Role:             f.Role,
		Handler:          f.Handler,
		CodeSize:         f.CodeSize,
		Description:      f.Description,
		Timeout:          f.Timeout,
		MemorySize:       f.MemorySize,
		LastModified:     f.LastModified.UTC().Format(lastModLayout),
		CodeSha256:       f.CodeSha256,
		Version:          versionLatest,
		TracingConfig:    tracingConfig{Mode: "PassThrough"},
		RevisionId:       f.RevisionID,
		State:            "Active",
		PackageType:      packageZip,
		Architectures:    f.Architectures,
		EphemeralStorage: ephemeralStorage{Size: 512},
		LoggingConfig:    loggingConfig{LogFormat: f.LogFormat, LogGroup: f.logGroup()},
		SnapStart:        snapStart{ApplyOn: "None", OptimizationStatus: "Off"},
	}
	if len(f.Env) > 0 {
		c.Environment = &environment{Variables: f.Env}
	}
	if f.DeadLetterTarget != "" {
		c.DeadLetterConfig = &deadLetterConfig{TargetArn: f.DeadLetterTarget}
	}
	switch {
	case creating || f.pending(now):
		c.State, c.StateReason, c.StateReasonCode = "Pending", reasonCreating, reasonCodeCreating
	case updating || f.updating(now):
		c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "InProgress", reasonCreating, reasonCodeCreating
	default:
		c.LastUpdateStatus = "Successful"
	}
	return c
}
