package lambda

import (
	"net/http"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// maxConfigBody bounds UpdateFunctionConfiguration and the other small
// requests.
const maxConfigBody = 1 << 20

// beginUpdate checks that fn may be updated now: not Pending, no update in
// progress (ResourceConflictException, AWS-RULES L1), and revision, when
// given, is the current one.
func (s *Service) beginUpdate(fn *function, revision *string) error {
	now := s.env.Clock.Now()
	switch {
	case fn.pending(now):
		return functionPending()
	case fn.updating(now):
		return updateInProgress(functionARN(fn.Region, s.env.Account, fn.Name))
	case revision != nil && *revision != fn.RevisionID:
		return preconditionFailed()
	}
	return nil
}

// commitUpdate stores next in place of prev, marks it InProgress for
// PendingDelay and retires prev's instances. It fails with a conflict when
// another request changed the function meanwhile.
func (s *Service) commitUpdate(w http.ResponseWriter, prev, next *function, reqID string) error {
	now := s.env.Clock.Now()
	next.LastModified = now
	next.UpdatingUntil = now.Add(s.opts.PendingDelay)
	next.RevisionID = awsproto.NewRequestID()
	next.Generation = nextGeneration(prev, now)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fns[prev.Name] != prev {
		return updateInProgress(functionARN(prev.Region, s.env.Account, prev.Name))
	}
	if err := s.saveLocked(next); err != nil {
		return err
	}
	s.retireLocked(next.Name)
	return writeJSON(w, http.StatusOK, next.configuration(s.env.Account, now, false, true), reqID)
}

// updateFunctionConfiguration serves UpdateFunctionConfiguration
// (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html).
func (s *Service) updateFunctionConfiguration(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	var in updateConfigurationInput
	if err := readRequest(r, maxConfigBody, "UpdateFunctionConfiguration", &in); err != nil {
		return err
	}
	if err := refuseMissingParts(in.Layers, len(in.FileSystemConfigs)); err != nil {
		return err
	}
	if err := s.beginUpdate(fn, in.RevisionId); err != nil {
		return err
	}
	next := fn.clone()
	if in.Role != nil {
		if err := validateRole(*in.Role); err != nil {
			return err
		}
		if err := s.checkRole(r.Context(), *in.Role); err != nil {
			return err
		}
		next.Role = *in.Role
	}
	if in.Runtime != nil {
		if err := validateRuntime(*in.Runtime); err != nil {
			return err
		}
		next.Runtime = *in.Runtime
	}
	if in.Handler != nil {
		next.Handler = *in.Handler
	}
	if in.Description != nil {
		next.Description = *in.Description
	}
	if in.MemorySize != nil {
		next.MemorySize = *in.MemorySize
	}
	if in.Timeout != nil {
		next.Timeout = *in.Timeout
	}
	if in.Environment != nil {
		next.Env = in.Environment.Variables
	}
	if in.LoggingConfig != nil {
		if in.LoggingConfig.LogFormat != "" {
			next.LogFormat = in.LoggingConfig.LogFormat
		}
		if in.LoggingConfig.LogGroup != "" {
			next.LogGroup = in.LoggingConfig.LogGroup
		}
	}
	if in.DeadLetterConfig != nil {
		next.DeadLetterTarget = in.DeadLetterConfig.TargetArn // "" removes it
	}
	for _, check := range []error{
		validateMemory(next.MemorySize), validateTimeout(next.Timeout), validateDescription(next.Description),
		validateEnv(next.Env), validateLogging(in.LoggingConfig), s.checkDeadLetter(next.Role, next.DeadLetterTarget),
	} {
		if check != nil {
			return check
		}
	}
	return s.commitUpdate(w, fn, next, reqID)
}

// updateFunctionCode serves UpdateFunctionCode
// (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html).
// New invocations run the new code; running ones finish on the old code.
func (s *Service) updateFunctionCode(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	var in updateCodeInput
	if err := readRequest(r, maxCreateBody, "UpdateFunctionCode", &in); err != nil {
		return err
	}
	if err := refuseNonZip(in.S3Bucket, in.S3Key, in.ImageUri); err != nil {
		return err
	}
	if in.ZipFile == nil {
		return invalidParameter("Please provide a source for function code.")
	}
	if err := s.beginUpdate(fn, in.RevisionId); err != nil {
		return err
	}
	next := fn.clone()
	if in.Architectures != nil {
		archs, err := validateArchitectures(in.Architectures)
		if err != nil {
			return err
		}
		next.Architectures = archs
	}
	hexSum, err := s.code.put(in.ZipFile)
	if err != nil {
		return err
	}
	next.CodeSha256, next.CodeHex = digestB64(in.ZipFile), hexSum
	next.CodeSize = int64(len(in.ZipFile))
	return s.commitUpdate(w, fn, next, reqID)
}

func digestB64(zipData []byte) string {
	b64, _ := digest(zipData)
	return b64
}
