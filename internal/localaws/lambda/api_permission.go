package lambda

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Messages of the resource-based policy operations, as Lambda words them.
const (
	noPolicyText = "The resource you requested does not exist."
	codePolicy   = "PolicyLengthExceededException"
)

// addPermission serves AddPermission
// (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html):
// it adds a statement to the function's resource-based policy and answers
// 201 with the statement. A statement ID already in the policy is
// ResourceConflictException; a policy past 20 KB is
// PolicyLengthExceededException; a RevisionId other than the function's is
// PreconditionFailedException. The function's RevisionId changes, as on
// Lambda; its running instances do not.
func (s *Service) addPermission(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	var in struct {
		StatementId, Action, Principal, SourceArn, SourceAccount string
		PrincipalOrgID, EventSourceToken, FunctionUrlAuthType    string
		RevisionId                                               *string
	}
	if err := readRequest(r, maxConfigBody, "AddPermission", &in); err != nil {
		return err
	}
	p := permission{Sid: in.StatementId, Action: in.Action, Principal: in.Principal, SourceArn: in.SourceArn,
		SourceAccount: in.SourceAccount, PrincipalOrgID: in.PrincipalOrgID, EventSourceToken: in.EventSourceToken,
		FunctionURLAuthType: in.FunctionUrlAuthType}
	if err := p.validate(); err != nil {
		return err
	}
	arn := functionARN(fn.Region, s.env.Account, fn.Name)
	if _, err := s.change(fn, func(cur, next *function) error {
		if in.RevisionId != nil && *in.RevisionId != cur.RevisionID {
			return preconditionFailed()
		}
		if slices.ContainsFunc(cur.Permissions, func(q permission) bool { return q.Sid == p.Sid }) {
			return awsproto.Errorf(http.StatusConflict, CodeConflict,
				"The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", p.Sid)
		}
		next.Permissions = append(next.Permissions, p)
		doc, err := policyDocument(next.Permissions, arn)
		if err != nil {
			return err
		}
		if len(doc) > maxPolicySize {
			return awsproto.Errorf(http.StatusBadRequest, codePolicy,
				"The final policy size (%d) is bigger than the limit (%d).", len(doc), maxPolicySize)
		}
		next.RevisionID = awsproto.NewRequestID()
		return nil
	}); err != nil {
		return err
	}
	st, err := json.Marshal(statementOf(p, arn))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, struct{ Statement string }{string(st)}, reqID)
}

// getPolicy serves GetPolicy
// (https://docs.aws.amazon.com/lambda/latest/api/API_GetPolicy.html): the
// policy document as a string and the function's RevisionId, or
// ResourceNotFoundException while the function has no permission.
func (s *Service) getPolicy(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	doc, err := policyDocument(fn.Permissions, functionARN(fn.Region, s.env.Account, fn.Name))
	if err != nil {
		return err
	}
	if doc == "" {
		return awsproto.Errorf(http.StatusNotFound, CodeNotFound, "%s", noPolicyText)
	}
	return writeJSON(w, http.StatusOK, struct{ Policy, RevisionId string }{doc, fn.RevisionID}, reqID)
}

// removePermission serves RemovePermission
// (https://docs.aws.amazon.com/lambda/latest/api/API_RemovePermission.html):
// 204 once the statement is gone; ResourceNotFoundException when the
// policy has no such statement.
func (s *Service) removePermission(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	sid, rev := r.PathValue("sid"), r.URL.Query().Get("RevisionId")
	if _, err := s.change(fn, func(cur, next *function) error {
		if rev != "" && rev != cur.RevisionID {
			return preconditionFailed()
		}
		i := slices.IndexFunc(cur.Permissions, func(q permission) bool { return q.Sid == sid })
		if i < 0 {
			return awsproto.Errorf(http.StatusNotFound, CodeNotFound, "%s", noPolicyText)
		}
		next.Permissions = slices.Delete(next.Permissions, i, i+1)
		next.RevisionID = awsproto.NewRequestID()
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusNoContent, reqID)
}
