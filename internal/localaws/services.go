package localaws

import (
	"github.com/edasctl/edasctl/internal/localaws/iam"
	"github.com/edasctl/edasctl/internal/localaws/logs"
	"github.com/edasctl/edasctl/internal/localaws/s3"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/sns"
)

// addServices builds every service and registers it under its SigV4 service
// name (and, for the JSON protocols, its X-Amz-Target prefix). It is the only
// code that knows the services' concrete types.
func (s *Server) addServices(env service.Env) error {
	s3Svc, err := s3.New(env, s3.Options{})
	if err != nil {
		return err
	}
	s.services["s3"] = s3Svc
	snsSvc, err := sns.New(env)
	if err != nil {
		return err
	}
	s.services["sns"] = snsSvc
	iamSvc, err := iam.New(env)
	if err != nil {
		return err
	}
	s.services["iam"] = iamSvc
	logsSvc, err := logs.New(env)
	if err != nil {
		return err
	}
	s.services["logs"] = logsSvc
	s.targets[logs.TargetPrefix] = "logs"
	return nil
}
