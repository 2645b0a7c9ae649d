package lambda

import (
	"net/http"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// How Lambda retries an asynchronous invocation whose function failed
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html):
// "If the function returns an error, by default Lambda attempts to run it
// two more times, with a one-minute wait between the first two attempts,
// and two minutes between the second and third attempts. Function errors
// include errors returned by the function's code and errors returned by the
// function's runtime, such as timeouts." An event is kept at most six hours
// by default. PutFunctionEventInvokeConfig changes both: 0–2 retries, an age
// of 60 s to 6 h.
const (
	defaultRetryAttempts = 2
	defaultMaxEventAge   = 6 * time.Hour
	minEventAgeSeconds   = 60
	maxEventAgeSeconds   = 21600
)

// retryDelay is the wait before retry n (1, 2).
func retryDelay(n int) time.Duration { return time.Duration(n) * time.Minute }

// An eventInvokeConfig is a function's asynchronous invocation settings
// (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html);
// nil fields take Lambda's defaults.
type eventInvokeConfig struct {
	MaximumRetryAttempts     *int32 `json:",omitempty"`
	MaximumEventAgeInSeconds *int32 `json:",omitempty"`
	OnSuccess, OnFailure     string `json:",omitempty"` // destination ARNs (destination.go)
	LastModified             time.Time
}

// retries returns how many times a failed event is retried.
func (c *eventInvokeConfig) retries() int {
	if c == nil || c.MaximumRetryAttempts == nil {
		return defaultRetryAttempts
	}
	return int(*c.MaximumRetryAttempts)
}

// maxAge returns how long an event may wait for its next attempt.
func (c *eventInvokeConfig) maxAge() time.Duration {
	if c == nil || c.MaximumEventAgeInSeconds == nil {
		return defaultMaxEventAge
	}
	return time.Duration(*c.MaximumEventAgeInSeconds) * time.Second
}

// eventInvokeInput is the body of Put and UpdateFunctionEventInvokeConfig.
type eventInvokeInput struct {
	MaximumRetryAttempts     *int32
	MaximumEventAgeInSeconds *int32
	DestinationConfig        *struct {
		OnSuccess, OnFailure *struct{ Destination string }
	}
}

// validate checks the input against the API's constraints (destinations
// are checked against the function's role by checkDestination).
func (in *eventInvokeInput) validate() error {
	switch r, a := in.MaximumRetryAttempts, in.MaximumEventAgeInSeconds; {
	case r != nil && *r < 0:
		return validationError(*r, "maximumRetryAttempts", "Member must have value greater than or equal to 0")
	case r != nil && *r > defaultRetryAttempts:
		return validationError(*r, "maximumRetryAttempts", "Member must have value less than or equal to 2")
	case a != nil && *a < minEventAgeSeconds:
		return validationError(*a, "maximumEventAgeInSeconds", "Member must have value greater than or equal to 60")
	case a != nil && *a > maxEventAgeSeconds:
		return validationError(*a, "maximumEventAgeInSeconds", "Member must have value less than or equal to 21600")
	}
	return nil
}

// destinations returns the input's OnSuccess and OnFailure destinations
// and whether each was given.
func (in *eventInvokeInput) destinations() (onSuccess, onFailure string, successGiven, failureGiven bool) {
	if d := in.DestinationConfig; d != nil {
		if d.OnSuccess != nil {
			onSuccess, successGiven = d.OnSuccess.Destination, true
		}
		if d.OnFailure != nil {
			onFailure, failureGiven = d.OnFailure.Destination, true
		}
	}
	return
}

// eventInvokeOutput is the FunctionEventInvokeConfig shape.
type eventInvokeOutput struct {
	FunctionArn              string
	LastModified             float64 // epoch seconds, as Lambda's timestamp
	MaximumRetryAttempts     *int32  `json:",omitempty"`
	MaximumEventAgeInSeconds *int32  `json:",omitempty"`
	DestinationConfig        struct {
		OnSuccess, OnFailure destination
	}
}

// destination is OnSuccess and OnFailure: {} when unset, as Lambda
// answers.
type destination struct {
	Destination string `json:",omitempty"`
}

func (s *Service) eventInvokeOutput(fn *function) eventInvokeOutput {
	c := fn.EventInvoke
	out := eventInvokeOutput{FunctionArn: functionARN(fn.Region, s.env.Account, fn.Name) + ":" + versionLatest,
		LastModified:         float64(c.LastModified.UnixMilli()) / 1000,
		MaximumRetryAttempts: c.MaximumRetryAttempts, MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds}
	out.DestinationConfig.OnSuccess.Destination = c.OnSuccess
	out.DestinationConfig.OnFailure.Destination = c.OnFailure
	return out
}

// putEventInvokeConfig serves PutFunctionEventInvokeConfig (merge false:
// the settings become exactly those given) and
// UpdateFunctionEventInvokeConfig (merge true: settings not given stay).
func (s *Service) putEventInvokeConfig(merge bool) handlerFunc {
	op := "PutFunctionEventInvokeConfig"
	if merge {
		op = "UpdateFunctionEventInvokeConfig"
	}
	return func(w http.ResponseWriter, r *http.Request, reqID string) error {
		fn, err := s.lookup(r, r.PathValue("name"))
		if err != nil {
			return err
		}
		var in eventInvokeInput
		if err := readRequest(r, maxConfigBody, op, &in); err != nil {
			return err
		}
		if err := in.validate(); err != nil {
			return err
		}
		saved, err := s.change(fn, func(cur, next *function) error {
			c := eventInvokeConfig{}
			if merge && cur.EventInvoke != nil {
				c = *cur.EventInvoke
			}
			if in.MaximumRetryAttempts != nil || !merge {
				c.MaximumRetryAttempts = in.MaximumRetryAttempts
			}
			if in.MaximumEventAgeInSeconds != nil || !merge {
				c.MaximumEventAgeInSeconds = in.MaximumEventAgeInSeconds
			}
			onSuccess, onFailure, successGiven, failureGiven := in.destinations()
			if successGiven || !merge {
				c.OnSuccess = onSuccess
			}
			if failureGiven || !merge {
				c.OnFailure = onFailure
			}
			for _, d := range []struct{ member, arn string }{{"destinationConfig.onSuccess", c.OnSuccess}, {"destinationConfig.onFailure", c.OnFailure}} {
				if err := s.checkDestination(cur.Role, d.member, d.arn); err != nil {
					return err
				}
			}
			c.LastModified = s.env.Clock.Now().UTC()
			next.EventInvoke = &c
			return nil
		})
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, s.eventInvokeOutput(saved), reqID)
	}
}

// noEventInvokeConfig is GetFunctionEventInvokeConfig's error for a function
// without settings.
func noEventInvokeConfig(fn *function, account string) error {
	return awsproto.Errorf(http.StatusNotFound, CodeNotFound, "The function %s doesn't have an EventInvokeConfig",
		functionARN(fn.Region, account, fn.Name)+":"+versionLatest)
}

// getEventInvokeConfig serves GetFunctionEventInvokeConfig.
func (s *Service) getEventInvokeConfig(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	if fn.EventInvoke == nil {
		return noEventInvokeConfig(fn, s.env.Account)
	}
	return writeJSON(w, http.StatusOK, s.eventInvokeOutput(fn), reqID)
}

// listEventInvokeConfigs serves ListFunctionEventInvokeConfigs: the
// function's one configuration ($LATEST; the local AWS publishes no
// versions or aliases), or none.
func (s *Service) listEventInvokeConfigs(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	out := struct{ FunctionEventInvokeConfigs []eventInvokeOutput }{[]eventInvokeOutput{}}
	if fn.EventInvoke != nil {
		out.FunctionEventInvokeConfigs = append(out.FunctionEventInvokeConfigs, s.eventInvokeOutput(fn))
	}
	return writeJSON(w, http.StatusOK, out, reqID)
}

// deleteEventInvokeConfig serves DeleteFunctionEventInvokeConfig: the
// defaults apply again.
func (s *Service) deleteEventInvokeConfig(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	if _, err := s.change(fn, func(cur, next *function) error {
		if cur.EventInvoke == nil {
			return noEventInvokeConfig(cur, s.env.Account)
		}
		next.EventInvoke = nil
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusNoContent, reqID)
}
