package lambda

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// maxCreateBody is the largest CreateFunction or UpdateFunctionCode
// request Lambda accepts (a 50 MB zip, base64-encoded, in JSON).
const maxCreateBody = 70167211

// readRequest reads and decodes a bounded JSON body for operation.
func readRequest(r *http.Request, limit int64, operation string, v any) error {
	body, err := awsproto.ReadBody(r, limit)
	var ae *awsproto.Error
	if errors.As(err, &ae) && ae.Status == http.StatusRequestEntityTooLarge {
		return requestTooLarge(limit, operation)
	}
	if err != nil {
		return err
	}
	return decodeJSON(body, v)
}

// createFunction serves CreateFunction
// (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html):
// 201 with the configuration in state Pending.
func (s *Service) createFunction(w http.ResponseWriter, r *http.Request, reqID string) error {
	var in createFunctionInput
	if err := readRequest(r, maxCreateBody, "CreateFunction", &in); err != nil {
		return err
	}
	fn, zipData, err := s.newFunction(r.Context(), &in, s.region(r))
	if err != nil {
		return err
	}
	hexSum, err := s.code.put(zipData)
	if err != nil {
		return err
	}
	fn.CodeHex = hexSum
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.fns[fn.Name]; ok {
		return alreadyExists(fn.Name)
	}
	if err := s.saveLocked(fn); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, fn.configuration(s.env.Account, s.env.Clock.Now(), true, false), reqID)
}

// newFunction validates in and builds the function it describes.
func (s *Service) newFunction(ctx context.Context, in *createFunctionInput, region string) (*function, []byte, error) {
	switch {
	case in.FunctionName == nil:
		return nil, nil, validationError("null", "functionName", "Member must not be null")
	case !namePattern.MatchString(*in.FunctionName):
		return nil, nil, validationError(*in.FunctionName, "functionName", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length between 1 and 64")
	case in.Role == nil:
		return nil, nil, validationError("null", "role", "Member must not be null")
	case in.Code == nil:
		return nil, nil, validationError("null", "code", "Member must not be null")
	case in.PackageType != nil && *in.PackageType != packageZip:
		return nil, nil, invalidParameter("The local AWS runs Zip packages only; PackageType %s is not supported.", *in.PackageType)
	case in.Runtime == nil:
		return nil, nil, invalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	if err := refuseNonZip(in.Code.S3Bucket, in.Code.S3Key, in.Code.ImageUri); err != nil {
		return nil, nil, err
	}
	if err := refuseMissingParts(in.Layers, len(in.FileSystemConfigs)); err != nil {
		return nil, nil, err
	}
	if len(in.Code.ZipFile) > maxZip {
		return nil, nil, requestTooLarge(maxCreateBody, "CreateFunction")
	}
	fn := &function{
		Name: *in.FunctionName, Region: region, Runtime: *in.Runtime, Role: *in.Role,
		MemorySize: 128, Timeout: 3, LogFormat: "Text", Tags: in.Tags,
	}
	if in.Handler != nil {
		fn.Handler = *in.Handler
	}
	if in.Description != nil {
		fn.Description = *in.Description
	}
	if in.MemorySize != nil {
		fn.MemorySize = *in.MemorySize
	}
	if in.Timeout != nil {
		fn.Timeout = *in.Timeout
	}
	if in.Environment != nil {
		fn.Env = in.Environment.Variables
	}
	if in.LoggingConfig != nil {
		if in.LoggingConfig.LogFormat != "" {
			fn.LogFormat = in.LoggingConfig.LogFormat
		}
		fn.LogGroup = in.LoggingConfig.LogGroup
	}
	archs, err := validateArchitectures(in.Architectures)
	if err != nil {
		return nil, nil, err
	}
	fn.Architectures = archs
	for _, check := range []error{
		validateRuntime(fn.Runtime), validateRole(fn.Role), validateMemory(fn.MemorySize),
		validateTimeout(fn.Timeout), validateDescription(fn.Description), validateEnv(fn.Env),
		validateLogging(in.LoggingConfig), validateTags(fn.Tags),
	} {
		if check != nil {
			return nil, nil, check
		}
	}
	if err := s.checkRole(ctx, fn.Role); err != nil {
		return nil, nil, err
	}
	if in.DeadLetterConfig != nil {
		if err := s.checkDeadLetter(fn.Role, in.DeadLetterConfig.TargetArn); err != nil {
			return nil, nil, err
		}
		fn.DeadLetterTarget = in.DeadLetterConfig.TargetArn
	}
	fn.CodeSha256, _ = digest(in.Code.ZipFile)
	fn.CodeSize = int64(len(in.Code.ZipFile))
	now := s.env.Clock.Now()
	fn.LastModified = now
	fn.PendingUntil = now.Add(s.opts.PendingDelay)
	fn.RevisionID = awsproto.NewRequestID()
	fn.Generation = now.UnixNano()
	return fn, in.Code.ZipFile, nil
}

// checkRole refuses a role Lambda may not assume, with AWS's message
// (AWS-RULES I1).
func (s *Service) checkRole(ctx context.Context, role string) error {
	if s.opts.Roles == nil {
		return nil
	}
	ok, err := s.opts.Roles.CanLambdaAssume(ctx, role)
	if err != nil {
		return serviceError("Could not check role %s: %v", role, err)
	}
	if !ok {
		return invalidParameter(roleCannotBeAssumed)
	}
	return nil
}

// nextGeneration returns a generation newer than fn's.
func nextGeneration(fn *function, now time.Time) int64 {
	if g := now.UnixNano(); g > fn.Generation {
		return g
	}
	return fn.Generation + 1
}
