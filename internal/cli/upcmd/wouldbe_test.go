package upcmd

import (
	"testing"

	"github.com/edasctl/edasctl/internal/provision"
)

func TestDryRunTableWordsOutcomesAsIntentions(t *testing.T) {
	in := []provision.Result{{Outcome: provision.Created}, {Outcome: provision.Updated}, {Outcome: provision.Unchanged}}
	got := wouldBe(in)
	want := []provision.Outcome{"would create", "would update", provision.Unchanged}
	for i := range want {
		if got[i].Outcome != want[i] {
			t.Errorf("result %d: %q, want %q", i, got[i].Outcome, want[i])
		}
	}
	if in[0].Outcome != provision.Created {
		t.Error("wouldBe changed its input")
	}
}
