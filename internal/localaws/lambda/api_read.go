package lambda

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// getFunctionOutput is GetFunction's response
// (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html).
// Code.Location is left out: the package is not served for download.
type getFunctionOutput struct {
	Configuration functionConfiguration
	Code          struct{ RepositoryType string }
	Tags          map[string]string `json:",omitempty"`
	Concurrency   *concurrency      `json:",omitempty"`
}

type concurrency struct {
	ReservedConcurrentExecutions *int32 `json:",omitempty"`
}

func (s *Service) getFunction(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	out := getFunctionOutput{Configuration: fn.configuration(s.env.Account, s.env.Clock.Now(), false, false), Tags: fn.Tags}
	out.Code.RepositoryType = "S3"
	if fn.Reserved != nil {
		out.Concurrency = &concurrency{ReservedConcurrentExecutions: fn.Reserved}
	}
	return writeJSON(w, http.StatusOK, out, reqID)
}

func (s *Service) getFunctionConfiguration(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, fn.configuration(s.env.Account, s.env.Clock.Now(), false, false), reqID)
}

// listFunctions serves ListFunctions, in name order. Marker is the
// base64 name of the last function of the previous page.
func (s *Service) listFunctions(w http.ResponseWriter, r *http.Request, reqID string) error {
	q := r.URL.Query()
	max := 50
	if v := q.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return validationError(v, "maxItems", "Member must have value between 1 and 10000")
		}
		max = n
	}
	after := ""
	if m := q.Get("Marker"); m != "" {
		b, err := base64.RawURLEncoding.DecodeString(m)
		if err != nil {
			return invalidParameter("Invalid Marker: %s", m)
		}
		after = string(b)
	}
	s.mu.Lock()
	fns := make([]*function, 0, len(s.fns))
	for name, fn := range s.fns {
		if name > after {
			fns = append(fns, fn)
		}
	}
	s.mu.Unlock()
	sort.Slice(fns, func(i, j int) bool { return fns[i].Name < fns[j].Name })
	out := struct {
		Functions  []functionConfiguration
		NextMarker string `json:",omitempty"`
	}{Functions: []functionConfiguration{}}
	now := s.env.Clock.Now()
	for i, fn := range fns {
		if i == max {
			out.NextMarker = base64.RawURLEncoding.EncodeToString([]byte(fns[i-1].Name))
			break
		}
		out.Functions = append(out.Functions, fn.configuration(s.env.Account, now, false, false))
	}
	return writeJSON(w, http.StatusOK, out, reqID)
}

// deleteFunction serves DeleteFunction: 204. Its instances are killed;
// event source mappings that name it are left, as on AWS (AWS-RULES L10).
func (s *Service) deleteFunction(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fns[fn.Name] != fn {
		return updateInProgress(functionARN(fn.Region, s.env.Account, fn.Name))
	}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return tx.Delete(tableFunction, fn.Name) }); err != nil {
		return err
	}
	delete(s.fns, fn.Name)
	s.retireLocked(fn.Name)
	return writeEmpty(w, http.StatusNoContent, reqID)
}
