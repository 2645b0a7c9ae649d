// Package sts serves the local AWS's STS: GetCallerIdentity, over the query
// protocol (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
// Every caller is the account's root user.
package sts

import (
	"net/http"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/service"
)

const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"

// maxBody bounds a request body; STS requests are a few hundred bytes.
const maxBody = 64 << 10

// A Service is the STS endpoint. It holds no state.
type Service struct{ env service.Env }

// New returns the STS service.
func New(env service.Env) *Service { return &Service{env: env} }

type callerIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

// ServeHTTP serves one query-protocol request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	awsproto.ServeQuery(w, r, "sts", xmlns, s.env.Log, s.serve)
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request, reqID string) error {
	params, err := awsproto.ReadForm(r, maxBody)
	if err != nil {
		return err
	}
	switch action := params.Get("Action"); action {
	case "GetCallerIdentity":
		return awsproto.WriteQueryResult(w, action, xmlns, callerIdentity{
			Arn:     "arn:aws:iam::" + s.env.Account + ":root",
			UserID:  s.env.Account,
			Account: s.env.Account,
		}, reqID)
	case "":
		return awsproto.MissingParameter("Action")
	default:
		return awsproto.InvalidAction(action)
	}
}
