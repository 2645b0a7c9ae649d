package localaws

import (
	"github.com/edasctl/edasctl/internal/localaws/esm"
	"github.com/edasctl/edasctl/internal/localaws/iam"
	"github.com/edasctl/edasctl/internal/localaws/lambda"
	"github.com/edasctl/edasctl/internal/localaws/logs"
	"github.com/edasctl/edasctl/internal/localaws/s3"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/sns"
	"github.com/edasctl/edasctl/internal/localaws/sqs"
	"github.com/edasctl/edasctl/internal/localaws/sts"
)

// addServices builds every service, registers it under its SigV4 service
// name (and, for the JSON protocols, its X-Amz-Target prefix), and wires the
// pipeline between them. It is the only code that knows the services'
// concrete types.
func (s *Server) addServices(env service.Env) error {
	p := newPipeline(env)
	s.pipeline = p

	var err error
	if p.sqs, err = sqs.New(env, sqs.Options{DeletedRecentlyWindow: s.opts.realism.QueueDeletedRecently}); err != nil {
		return err
	}
	s.closers = append(s.closers, p.sqs.Close)
	s.services["sqs"] = p.sqs
	s.targets["AmazonSQS"] = "sqs"

	if p.sns, err = sns.NewWithOptions(env, sns.Options{DeliverBatch: p.deliverSNSBatch}); err != nil {
		return err
	}
	s.services["sns"] = p.sns

	if p.s3, err = s3.New(env, s3.Options{OnObjectEvent: p.onObjectEvent, OnObjectVisible: p.onObjectVisible,
		ValidateNotification: p.validateNotification, OnNotificationConfigured: p.sendTestEvents}); err != nil {
		return err
	}
	s.services["s3"] = p.s3

	iamSvc, err := iam.NewWithOptions(env, iam.Options{Propagation: s.opts.realism.IAMPropagation})
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

	s.services["sts"] = sts.New(env)

	fns, err := lambda.New(env, lambda.Options{
		Roles:        lambdaRoles{rolePermissions{iamSvc}},
		Logs:         lambdaLogs{logsSvc},
		Outbound:     lambdaOutbound{sqs: p.sqs, sns: p.sns},
		Endpoint:     s.Endpoint,
		PendingDelay: s.opts.realism.FunctionPending,
	})
	if err != nil {
		return err
	}
	s.closers = append(s.closers, fns.Close)
	p.lambda = fns
	mappings, err := esm.New(env, esm.Options{CreatingDelay: s.opts.realism.MappingCreating},
		esmQueues{p.sqs}, esmFunctions{fns}, rolePermissions{iamSvc})
	if err != nil {
		return err
	}
	s.closers = append(s.closers, mappings.Close)
	s.services["lambda"] = lambdaRouter{functions: fns, mappings: mappings}

	if err := p.start(); err != nil {
		return err
	}
	s.closers = append(s.closers, func() error { p.stop(); return nil })
	return nil
}
