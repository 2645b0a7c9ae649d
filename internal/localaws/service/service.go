// Package service holds what every service of the local AWS receives from
// the server that hosts it.
package service

import (
	"log/slog"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// An Env is a service's environment. All of a service's state lives in its
// own value built from an Env; there are no package-level variables, so
// several local AWS instances can run in one process.
type Env struct {
	Store   *store.Store // durable state; services write through before acknowledging
	DataDir string       // "" when in memory; services may keep files under DataDir/<service>/
	Clock   clock.Clock  // the only source of time
	Log     *slog.Logger // never nil
	Account string       // the 12-digit account ID, "000000000000"
	Region  string       // the default region, "us-east-1"
}

// ARN formats an ARN in this environment's partition and account.
func (e Env) ARN(service, region, resource string) string {
	return "arn:aws:" + service + ":" + region + ":" + e.Account + ":" + resource
}
