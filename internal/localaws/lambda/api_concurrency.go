package lambda

import (
	"net/http"
)

// putConcurrency serves PutFunctionConcurrency
// (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html).
// The reserved concurrency caps the function's instances; the account's
// 1,000 must keep 100 unreserved.
func (s *Service) putConcurrency(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	var in struct{ ReservedConcurrentExecutions *int32 }
	if err := readRequest(r, maxConfigBody, "PutFunctionConcurrency", &in); err != nil {
		return err
	}
	switch {
	case in.ReservedConcurrentExecutions == nil:
		return validationError("null", "reservedConcurrentExecutions", "Member must not be null")
	case *in.ReservedConcurrentExecutions < 0:
		return validationError(*in.ReservedConcurrentExecutions, "reservedConcurrentExecutions", "Member must have value greater than or equal to 0")
	}
	want := *in.ReservedConcurrentExecutions
	_, err = s.change(fn, func(cur, next *function) error {
		total := int64(want)
		for name, other := range s.fns { // s.mu is held
			if name != cur.Name && other.Reserved != nil {
				total += int64(*other.Reserved)
			}
		}
		if total > maxReservedTotal {
			return invalidParameter(unreservedMinimumText)
		}
		next.Reserved = &want
		next.Generation = nextGeneration(cur, s.env.Clock.Now())
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, concurrency{ReservedConcurrentExecutions: &want}, reqID)
}

// getConcurrency serves GetFunctionConcurrency: {} when none is reserved.
func (s *Service) getConcurrency(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, concurrency{ReservedConcurrentExecutions: fn.Reserved}, reqID)
}

// deleteConcurrency serves DeleteFunctionConcurrency: 204.
func (s *Service) deleteConcurrency(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	if _, err := s.change(fn, func(cur, next *function) error {
		next.Reserved = nil
		next.Generation = nextGeneration(cur, s.env.Clock.Now())
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusNoContent, reqID)
}
