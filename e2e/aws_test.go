package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"image"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/cli"
	"github.com/edasctl/edasctl/internal/handler"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// awsGate is the variable that enables the suite against real AWS.
const awsGate = "EDAS_E2E_AWS"

// TestRealAWSUpUploadStatusDown runs the pipeline's life against the AWS
// account of the default credentials (AWS_PROFILE, AWS_REGION, ...) when
// EDAS_E2E_AWS=1, with a stack of its own (edas-e2e-<random>) that it
// removes at the end, also on failure. It creates billable resources for
// a few minutes. S3 can take minutes before notifications flow after the
// configuration is written (AWS-RULES S8), hence the long waits.
func TestRealAWSUpUploadStatusDown(t *testing.T) {
	if os.Getenv(awsGate) != "1" {
		t.Skipf("set %s=1 to run against the AWS account of the default credentials", awsGate)
	}
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	suffix := make([]byte, 4)
	rand.Read(suffix)
	stack := "edas-e2e-" + hex.EncodeToString(suffix)
	run := func(v any, args ...string) int {
		t.Helper()
		ios, _, out, errOut := iostreams.Test()
		code := cli.Main(append([]string{"--stack", stack, "-o", "json"}, args...), ios)
		if v != nil {
			if err := json.Unmarshal(out.Bytes(), v); err != nil {
				t.Fatalf("edasctl %v: exit %d, stdout is not JSON: %v\n%s\nstderr:\n%s", args, code, err, out, errOut)
			}
		}
		t.Logf("edasctl %v: exit %d\n%s", args, code, errOut)
		return code
	}
	t.Cleanup(func() {
		var down report
		if code := run(&down, "down", "--yes"); code != 0 {
			t.Errorf("down: exit %d; remove the stack %s by hand: edasctl down --stack %s", code, stack, stack)
		}
		var again report
		if code := run(&again, "down", "--yes"); code != 0 || outcomes(again)["absent"] != len(again.Resources) {
			t.Errorf("second down: exit %d, outcomes %v, want all absent", code, outcomes(again))
		}
	})

	var up report
	if code := run(&up, "up"); code != 0 {
		t.Fatalf("up: exit %d", code)
	}
	bucket := ""
	for _, r := range up.Resources {
		if r.Kind == "bucket" {
			bucket = r.Name
		}
	}
	var again report
	if code := run(&again, "up"); code != 0 || outcomes(again)["unchanged"] != len(again.Resources) {
		t.Errorf("second up: exit %d, outcomes %v, want all unchanged", code, outcomes(again))
	}

	e := &env{t: t, s3: s3.NewFromConfig(cfg)}
	if _, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("uploads/cat.jpg"),
		Body: bytes.NewReader(jpegBytes(t, 640, 480))}); err != nil {
		t.Fatal(err)
	}
	// Notifications can take minutes to flow after up (S8) and are
	// delivered in seconds to a minute or more (S9).
	thumb := e.waitObject(bucket, "thumbnails/cat.jpg", 10*time.Minute)
	if c, _, err := image.DecodeConfig(bytes.NewReader(thumb)); err != nil || c.Width != 256 {
		t.Errorf("thumbnail %dx%d (%v), want 256 wide", c.Width, c.Height, err)
	}
	var entry handler.CatalogEntry
	if err := json.Unmarshal(e.waitObject(bucket, "catalog/cat.jpg.json", 5*time.Minute), &entry); err != nil {
		t.Fatal(err)
	}
	if entry.Key != "uploads/cat.jpg" || entry.Width != 640 {
		t.Errorf("catalog entry = %+v", entry)
	}

	var status report
	if code := run(&status, "status"); code != 0 || !status.Healthy {
		t.Errorf("status: exit %d, healthy %v: %+v", code, status.Healthy, status.Resources)
	}
}
