package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/localaws"
)

// TestUpDownUpWaitsOutAWSDelays runs the cycle against a local AWS that
// delays as AWS does, scaled down: a queue name is refused for a while
// after its deletion (Q2), a new or updated function is Pending (L1) and a
// new mapping Creating (L9), and a new role is not assumable and its
// policy not effective for a while (I1, I3).
func TestUpDownUpWaitsOutAWSDelays(t *testing.T) {
	e := newEnv(t, withRealism(localaws.Realism{
		IAMPropagation:       time.Second,
		QueueDeletedRecently: 2 * time.Second,
		FunctionPending:      500 * time.Millisecond,
		MappingCreating:      500 * time.Millisecond,
	}))
	zip := handlerZip(t)

	var first report
	stderr := e.runJSON(&first, "up", "--handler-zip", zip)
	if n := outcomes(first); n["created"] != len(first.Resources) {
		t.Fatalf("first up outcomes %v, want all created", n)
	}
	for _, what := range []string{
		"IAM to propagate role edas-catalog",
		"function edas-thumbnail to become Active",
		"function edas-catalog to become Active",
		"event source mapping of edas-thumbnail to become Enabled",
	} {
		if !strings.Contains(stderr, what) {
			t.Errorf("first up did not say it waits for %s:\n%s", what, stderr)
		}
	}

	var down report
	e.runJSON(&down, "down", "--yes")
	if n := outcomes(down); n["deleted"] != len(down.Resources) {
		t.Fatalf("down outcomes %v, want all deleted", n)
	}

	var again report
	stderr = e.runJSON(&again, "up", "--handler-zip", zip)
	if n := outcomes(again); n["created"] != len(again.Resources) {
		t.Fatalf("up after down outcomes %v, want all created", n)
	}
	for _, what := range []string{
		"SQS to release the name edas-thumbnail",
		"SQS to release the name edas-catalog-dlq",
		"function edas-catalog to become Active",
		"event source mapping of edas-catalog to become Enabled",
	} {
		if !strings.Contains(stderr, what) {
			t.Errorf("up after down did not say it waits for %s:\n%s", what, stderr)
		}
	}

	var status report
	e.runJSON(&status, "status")
	if !status.Healthy {
		t.Fatalf("status after up → down → up is not healthy: %+v", status.Resources)
	}
}
