package e2e

import (
	"net/http"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// iamDelay is an http.Handler in front of the local AWS that simulates IAM
// propagation, which the local AWS does not: for window after the last IAM
// change, Lambda refuses to create a function ("The role defined for the
// function cannot be assumed by Lambda", AWS-RULES I1) or an event source
// mapping ("The provided execution role does not have permissions to call
// ReceiveMessage on SQS", I3), both InvalidParameterValueException.
type iamDelay struct {
	next   http.Handler
	window time.Duration

	mu      sync.Mutex // guards changed
	changed time.Time  // the last IAM change
}

const (
	createFunctionOp = "POST /2015-03-31/functions"
	createMappingOp  = "POST /2015-03-31/event-source-mappings"
)

func (d *iamDelay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	service := sigV4Service(r.Header.Get("Authorization"))
	op, mut := operation(r)
	d.mu.Lock()
	propagating := time.Since(d.changed) < d.window
	d.mu.Unlock()
	switch {
	case service == "lambda" && op == createFunctionOp && propagating:
		awsproto.WriteRESTJSONError(w, awsproto.Errorf(http.StatusBadRequest, "InvalidParameterValueException",
			"The role defined for the function cannot be assumed by Lambda."), awsproto.NewRequestID())
		return
	case service == "lambda" && op == createMappingOp && propagating:
		awsproto.WriteRESTJSONError(w, awsproto.Errorf(http.StatusBadRequest, "InvalidParameterValueException",
			"The provided execution role does not have permissions to call ReceiveMessage on SQS"), awsproto.NewRequestID())
		return
	}
	d.next.ServeHTTP(w, r)
	if service == "iam" && mut {
		d.mu.Lock()
		d.changed = time.Now()
		d.mu.Unlock()
	}
}
