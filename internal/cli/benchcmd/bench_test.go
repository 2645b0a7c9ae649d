package benchcmd

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/testenv"
)

func stackOf(e *testenv.Env) func(context.Context) (*stack.Stack, error) {
	return func(context.Context) (*stack.Stack, error) {
		return &stack.Stack{Config: e.Config, AWS: e.AWS, Clients: e.Clients, Target: e.Target, Local: true}, nil
	}
}

// keysUnder lists the keys under prefix.
func keysUnder(t *testing.T, e *testenv.Env, prefix string) []string {
	t.Helper()
	out, err := e.S3.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(e.Bucket()), Prefix: aws.String(prefix)})
	if err != nil {
		t.Fatalf("list %s: %v", prefix, err)
	}
	keys := make([]string, 0, len(out.Contents))
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

func TestBenchAgainstTheLocalPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys the pipeline")
	}
	e := testenv.New(t)
	e.Deploy(t)
	ios, _, stdout, stderr := iostreams.Test()
	opts := &Options{IO: ios, JSON: true, Stack: stackOf(e), Objects: 200, Size: 1 << 10, Concurrency: 8, Timeout: 2 * time.Minute}
	if err := run(context.Background(), opts); err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, stderr)
	}
	t.Logf("stderr:\n%s", stderr)
	t.Logf("report:\n%s", stdout)

	var rep Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, stdout)
	}
	t.Run("every result arrived once, describing the content uploaded", func(t *testing.T) {
		if rep.Uploaded != 200 || rep.Processed != 200 || rep.Lost != 0 || rep.Duplicated != 0 || rep.Mismatched != 0 {
			t.Errorf("uploaded %d processed %d lost %d duplicated %d mismatched %d, want 200, 200, 0, 0, 0",
				rep.Uploaded, rep.Processed, rep.Lost, rep.Duplicated, rep.Mismatched)
		}
		if rep.LogRecords != 200 {
			t.Errorf("logRecords = %d, want one handler line per object (200)", rep.LogRecords)
		}
	})
	t.Run("latencies are plausible", func(t *testing.T) {
		l := rep.Latency
		if l.P90 == nil {
			t.Fatal("latencyMs.p90 missing")
		}
		if !(l.P50 > 0 && l.P50 <= *l.P90 && *l.P90 <= l.P99 && l.P99 <= l.Max) {
			t.Errorf("latency p50 %v p90 %v p99 %v max %v: want 0 < p50 ≤ p90 ≤ p99 ≤ max", l.P50, *l.P90, l.P99, l.Max)
		}
		if !(rep.Upload.P50 > 0 && rep.Upload.P50 <= rep.Upload.P99) {
			t.Errorf("upload p50 %v p99 %v: want 0 < p50 ≤ p99", rep.Upload.P50, rep.Upload.P99)
		}
		if rep.Throughput <= 0 || rep.DurationMs <= 0 {
			t.Errorf("throughput %v over %vms: want both positive", rep.Throughput, rep.DurationMs)
		}
	})
	t.Run("the JSON names the run", func(t *testing.T) {
		var doc map[string]any
		if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"runId", "objects", "sizeBytes", "concurrency", "uploaded", "processed", "lost", "duplicated", "throughput", "latencyMs", "uploadLatencyMs", "kept"} {
			if _, ok := doc[k]; !ok {
				t.Errorf("report lacks %q: %s", k, stdout)
			}
		}
		if rep.SizeBytes != 1024 || rep.Consumer != "catalog" || rep.Kept || !strings.HasPrefix(rep.Prefix, "uploads/bench/"+rep.RunID) {
			t.Errorf("sizeBytes %d consumer %q kept %v prefix %q", rep.SizeBytes, rep.Consumer, rep.Kept, rep.Prefix)
		}
	})
	t.Run("the run's objects are deleted", func(t *testing.T) {
		for _, p := range []string{"uploads/bench/" + rep.RunID + "/", "catalog/bench/" + rep.RunID + "/", "thumbnails/bench/" + rep.RunID + "/"} {
			if keys := keysUnder(t, e, p); len(keys) != 0 {
				t.Errorf("%d keys left under %s, e.g. %s", len(keys), p, keys[0])
			}
		}
	})
	t.Run("progress went to stderr", func(t *testing.T) {
		if !strings.Contains(stderr.String(), "uploaded 200/200  processed 200/200") {
			t.Errorf("stderr lacks the final progress line:\n%s", stderr)
		}
	})
}

func TestBenchKeepLeavesTheRunsObjects(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys the pipeline")
	}
	e := testenv.New(t)
	e.Deploy(t)
	ios, _, stdout, stderr := iostreams.Test()
	opts := &Options{IO: ios, Stack: stackOf(e), Objects: 3, Size: 10, Concurrency: 2, Keep: true}
	if err := run(context.Background(), opts); err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, stderr)
	}
	if !strings.Contains(stdout.String(), "lost         0") || !strings.Contains(stdout.String(), "kept ") {
		t.Errorf("text report:\n%s\nwant lost 0 and the kept prefix", stdout)
	}
	if n := len(keysUnder(t, e, "uploads/bench/")); n != 3 {
		t.Errorf("%d uploads kept, want 3", n)
	}
	if n := len(keysUnder(t, e, "catalog/bench/")); n != 3 {
		t.Errorf("%d catalog entries kept, want 3", n)
	}
}

func TestBenchRefusesAStackWithoutACatalogConsumer(t *testing.T) {
	e := testenv.New(t)
	cfg := config.Default()
	cfg.Consumers = cfg.Consumers[:1] // thumbnail only
	ios, _, _, _ := iostreams.Test()
	opts := &Options{IO: ios, Objects: 1, Size: 1, Concurrency: 1, Stack: func(context.Context) (*stack.Stack, error) {
		return &stack.Stack{Config: cfg, AWS: e.AWS, Clients: e.Clients, Target: e.Target, Local: true}, nil
	}}
	err := run(context.Background(), opts)
	var usage *cmdutil.UsageError
	if !errors.As(err, &usage) || err.Error() != "stack edas has no consumer with action catalog: bench measures the catalog outputs" {
		t.Fatalf("err = %v, want a UsageError naming the missing catalog consumer", err)
	}
}

func TestBenchOnAStackNotDeployedSaysRunUp(t *testing.T) {
	e := testenv.New(t)
	ios, _, _, _ := iostreams.Test()
	err := run(context.Background(), &Options{IO: ios, Objects: 1, Size: 1, Concurrency: 1, Stack: stackOf(e)})
	var hint *cmdutil.HintError
	if !errors.As(err, &hint) || hint.Hint != "run 'edasctl up' first" || !errors.Is(err, errNotDeployed) {
		t.Fatalf("err = %v, want errNotDeployed with the hint to run up", err)
	}
}
