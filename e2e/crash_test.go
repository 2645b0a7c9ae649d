package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/edasctl/edasctl/internal/localaws/daemon"
	"github.com/edasctl/edasctl/internal/testenv"
)

// crashServer is `edasctl local` running as a child process.
type crashServer struct {
	cmd  *exec.Cmd
	addr string
}

func startCrashServer(t *testing.T, bin, addr, dir string) *crashServer {
	t.Helper()
	cmd := exec.Command(bin, "local", "--addr", addr, "--data-dir", dir)
	logf, err := os.OpenFile(filepath.Join(t.TempDir(), "local.log"), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, ok := daemon.Probe(context.Background(), "http://"+addr); ok {
			return &crashServer{cmd: cmd, addr: addr}
		}
		if time.Now().After(deadline) {
			t.Fatal("local AWS did not start")
		}
	}
}

// TestKill9MidStreamLosesNoAcknowledgedUpload uploads objects while the
// local AWS is killed with SIGKILL, restarts it on the same data directory,
// and requires a catalog output for every upload that was acknowledged.
func TestKill9MidStreamLosesNoAcknowledgedUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the edasctl binary")
	}
	testenv.Isolate(t)
	bin := filepath.Join(t.TempDir(), "edasctl")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/edasctl/edasctl/cmd/edasctl").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	srv := startCrashServer(t, bin, addr, dir)
	endpoint := "http://" + addr

	// A message a poller had received when the server died reappears only
	// after the queue's visibility timeout, as on AWS; a 2 s function
	// timeout makes that 12 s instead of 3 min.
	up := exec.Command(bin, "--endpoint-url", endpoint, "up")
	up.Dir = testenv.ModuleRoot()
	up.Env = append(os.Environ(), "EDAS_FUNCTION_TIMEOUTSECONDS=2")
	if out, err := up.CombinedOutput(); err != nil {
		t.Fatalf("up: %v\n%s", err, out)
	}

	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	bucket := "edas-000000000000-us-east-1"

	var acked sync.Map
	var nAcked atomic.Int32
	killed := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 200; i += 4 {
				key := fmt.Sprintf("uploads/crash/%03d.txt", i)
				_, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("payload " + key)})
				if err != nil {
					return // the server is gone
				}
				acked.Store(key, true)
				if nAcked.Add(1) == 40 {
					once.Do(func() {
						srv.cmd.Process.Signal(syscall.SIGKILL)
						close(killed)
					})
				}
			}
		}()
	}
	wg.Wait()
	select {
	case <-killed:
	default:
		t.Fatal("the uploads finished before the kill")
	}
	srv.cmd.Wait()
	t.Logf("%d uploads acknowledged before and around the kill", nAcked.Load())

	startCrashServer(t, bin, addr, dir)
	client = s3.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")},
		func(o *s3.Options) { o.UsePathStyle = true })
	deadline := time.Now().Add(90 * time.Second)
	acked.Range(func(k, _ any) bool {
		key := k.(string)
		out := "catalog/" + strings.TrimPrefix(key, "uploads/") + ".json"
		for {
			_, err := client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(out)})
			if err == nil {
				return true
			}
			if time.Now().After(deadline) {
				t.Errorf("acknowledged upload %s has no %s after restart: %v\n%s", key, out, err, crashDiagnosis(client, cfg, bucket, key))
				return false
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// crashDiagnosis says where a lost upload got stuck: whether the object
// itself survived, what the consumer's queue and dead-letter queue hold,
// and the last lines of the consumer's log that report a failure
// (timeouts, crashes, errors).
func crashDiagnosis(client *s3.Client, cfg aws.Config, bucket, key string) string {
	ctx := context.Background()
	var b strings.Builder
	if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		fmt.Fprintf(&b, "the upload itself: %v\n", err)
	} else {
		fmt.Fprintf(&b, "the upload itself exists\n")
	}
	q := sqs.NewFromConfig(cfg)
	for _, name := range []string{"edas-catalog", "edas-catalog-dlq"} {
		url, err := q.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
		if err != nil {
			fmt.Fprintf(&b, "queue %s: %v\n", name, err)
			continue
		}
		attrs, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"All"}})
		if err != nil {
			fmt.Fprintf(&b, "queue %s: %v\n", name, err)
			continue
		}
		fmt.Fprintf(&b, "queue %s: visible %s, in flight %s, delayed %s\n", name, attrs.Attributes["ApproximateNumberOfMessages"],
			attrs.Attributes["ApproximateNumberOfMessagesNotVisible"], attrs.Attributes["ApproximateNumberOfMessagesDelayed"])
	}
	logs := cloudwatchlogs.NewFromConfig(cfg)
	var failures []string
	pages := cloudwatchlogs.NewFilterLogEventsPaginator(logs, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String("/aws/lambda/edas-catalog"), FilterPattern: aws.String(`?"timed out" ?error ?Error ?panic`)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fmt.Fprintf(&b, "function log: %v\n", err)
			break
		}
		for _, e := range page.Events {
			failures = append(failures, strings.TrimSpace(aws.ToString(e.Message)))
		}
	}
	fmt.Fprintf(&b, "function log: %d lines report a failure", len(failures))
	for _, l := range failures[max(0, len(failures)-10):] {
		fmt.Fprintf(&b, "\n  %s", l)
	}
	return b.String()
}
