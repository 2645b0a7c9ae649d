package benchcmd

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/handler"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/provision"
)

// listingS3 lists the catalog keys of the objects in shown, after
// StartAfter, and records each listing's StartAfter.
type listingS3 struct {
	s3API
	r          *runner
	shown      []int
	startAfter []string
}

func (f *listingS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	f.startAfter = append(f.startAfter, aws.ToString(in.StartAfter))
	out := &s3.ListObjectsV2Output{}
	for _, n := range f.shown {
		key := handler.CatalogKey(f.r.st.Config.Bucket.InputPrefix, f.r.keys[n])
		if key > aws.ToString(in.StartAfter) {
			out.Contents = append(out.Contents, s3types.Object{Key: aws.String(key)})
		}
	}
	return out, nil
}

func TestPollResumesListingAfterTheEntriesAllSeen(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	cfg := config.Default()
	st := &stack.Stack{Config: cfg, Target: provision.Target{Account: "000000000000", Region: "us-east-1"}, Local: true}
	fake := &listingS3{}
	r := newRunner(&Options{IO: ios, Objects: 120, Size: 16, Concurrency: 1}, st, cfg.Consumers[1], "run1", fake, nil)
	fake.r = r
	if r.keys[7] != "uploads/bench/run1/007.bin" {
		t.Fatalf("key 7 = %q, want it zero-padded so keys sort as numbered", r.keys[7])
	}

	fake.shown = []int{0, 1, 2, 4} // 3 is still being processed
	if err := r.poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	fake.shown = []int{0, 1, 2, 3, 4, 5}
	if err := r.poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	want2 := handler.CatalogKey(cfg.Bucket.InputPrefix, r.keys[2])
	if fake.startAfter[0] != "" || fake.startAfter[1] != want2 {
		t.Errorf("listings started after %q; want the first from the start, the second after %s (the last of the run 0–2)", fake.startAfter, want2)
	}
	if got := r.processed.Load(); got != 6 {
		t.Errorf("processed = %d after both polls, want 6 (each entry counted once)", got)
	}
	if r.listedBelow != 6 {
		t.Errorf("listedBelow = %d, want 6", r.listedBelow)
	}
}
