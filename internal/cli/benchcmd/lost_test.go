package benchcmd

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/handler"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/provision"
)

// blackHoleS3 accepts uploads and never shows an output: a pipeline that
// loses everything. It records the calls that would delete objects.
type blackHoleS3 struct {
	s3API
	mu      sync.Mutex
	puts    int
	deletes int
}

func (f *blackHoleS3) PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	return &s3.PutObjectOutput{}, nil
}

func (f *blackHoleS3) ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	return &s3.ListObjectsV2Output{}, nil
}

func (f *blackHoleS3) ListObjectVersions(context.Context, *s3.ListObjectVersionsInput, ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deletes++
	return &s3.ListObjectVersionsOutput{}, nil
}

func TestLostResultsAreCountedNamedAndKept(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	cfg := config.Default()
	st := &stack.Stack{Config: cfg, Target: provision.Target{Account: "000000000000", Region: "us-east-1"}, Local: true}
	opts := &Options{IO: ios, Objects: 12, Size: 16, Concurrency: 3, Timeout: 300 * time.Millisecond, PollInterval: 10 * time.Millisecond}
	fake := &blackHoleS3{}
	r := newRunner(opts, st, cfg.Consumers[1], "run1", fake, nil)

	rep, err := r.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Uploaded != 12 || rep.Processed != 0 || rep.Lost != 12 || !rep.Kept {
		t.Fatalf("uploaded %d processed %d lost %d kept %v; want 12, 0, 12, kept", rep.Uploaded, rep.Processed, rep.Lost, rep.Kept)
	}
	if len(rep.LostKeys) != maxNamedKeys || rep.LostKeys[0] != "uploads/bench/run1/00.bin" {
		t.Errorf("lost keys %v, want the first %d, starting with uploads/bench/run1/00.bin (numbers padded to sort in order)", rep.LostKeys, maxNamedKeys)
	}
	if fake.deletes != 0 {
		t.Errorf("cleanup ran %d times; lost results must keep the run's objects", fake.deletes)
	}
}

func TestKeyLayoutFollowsTheCatalogConsumersFilter(t *testing.T) {
	for _, tc := range []struct {
		name      string
		filter    config.Filter
		base, ext string
	}{
		{name: "no filter: the input prefix and .bin", base: "uploads/", ext: ".bin"},
		{name: "a suffix filter: its first suffix", filter: config.Filter{Suffix: []string{".json", ".txt"}}, base: "uploads/", ext: ".json"},
		{name: "a prefix filter: its first prefix", filter: config.Filter{Prefix: []string{"uploads/docs/"}}, base: "uploads/docs/", ext: ".bin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, ext := keyLayout("uploads/", tc.filter)
			if base != tc.base || ext != tc.ext {
				t.Fatalf("keyLayout = %q, %q; want %q, %q", base, ext, tc.base, tc.ext)
			}
		})
	}
}

// An output whose size or SHA-256 is not the uploaded content's is counted
// and named as mismatched, and the run is kept; a faithful one is not.
func TestOutputsThatDescribeOtherContentAreCountedAsMismatched(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	cfg := config.Default()
	st := &stack.Stack{Config: cfg, Target: provision.Target{Account: "000000000000", Region: "us-east-1"}, Local: true}
	opts := &Options{IO: ios, Objects: 3, Size: 4, Concurrency: 1}
	r := newRunner(opts, st, cfg.Consumers[1], "run1", nil, nil)
	now := time.Now()
	content := []byte("abcd")
	for n := range r.results {
		r.results[n] = result{uploadStart: now, uploaded: true, sum: sha256.Sum256(content),
			entry: &handler.CatalogEntry{Key: r.keys[n], Size: 4, SHA256: fmt.Sprintf("%x", sha256.Sum256(content)),
				EventTime: now, ProcessedTime: now.Add(time.Millisecond)}}
	}
	r.results[1].entry.SHA256 = fmt.Sprintf("%x", sha256.Sum256([]byte("abce"))) // other bytes
	r.results[2].entry.Size = 5                                                  // other size

	rep := r.report()
	if rep.Processed != 3 || rep.Mismatched != 2 {
		t.Fatalf("processed %d mismatched %d, want 3 and 2", rep.Processed, rep.Mismatched)
	}
	if want := []string{r.keys[1], r.keys[2]}; fmt.Sprint(rep.MismatchedKeys) != fmt.Sprint(want) {
		t.Errorf("mismatched keys %v, want %v", rep.MismatchedKeys, want)
	}
}
