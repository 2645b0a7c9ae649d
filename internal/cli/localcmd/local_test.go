package localcmd

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/localaws/daemon"
)

// serveInBackground runs Serve until the returned stop function is called.
func serveInBackground(t *testing.T, opts *Options) (addr string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	opts.Ready = func(a string) { ready <- a }
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, opts) }()
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("Serve returned before ready: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("Serve did not become ready")
	}
	return addr, func() error { cancel(); return <-done }
}

func TestServeAnswersSDKCallsAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	ios, _, _, stderr := iostreams.Test()
	addr, stop := serveInBackground(t, &Options{IO: ios, Addr: "127.0.0.1:0", DataDir: dir, ShutdownTimeout: 5 * time.Second})

	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr), Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(out.Account) != "000000000000" {
		t.Fatalf("GetCallerIdentity: %v %v", out, err)
	}
	rec, err := daemon.ReadRecord(dir)
	if err != nil || rec.Addr != addr || rec.PID != os.Getpid() {
		t.Fatalf("pid file while serving = %+v, %v", rec, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "db", "state.db")); err != nil {
		t.Fatalf("durable state not in the data dir: %v", err)
	}

	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if _, err := daemon.ReadRecord(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("pid file left after stop: %v", err)
	}
	if !strings.Contains(stderr.String(), "local AWS stopped") {
		t.Fatalf("stderr lacks the stop message:\n%s", stderr)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Fatal("still listening after stop")
	}
}

func TestSecondServerOnSameDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	ios, _, _, _ := iostreams.Test()
	_, stop := serveInBackground(t, &Options{IO: ios, Addr: "127.0.0.1:0", DataDir: dir, ShutdownTimeout: time.Second})
	defer stop()
	err := Serve(context.Background(), &Options{IO: ios, Addr: "127.0.0.1:0", DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "is in use by pid") {
		t.Fatalf("second server error = %v, want the directory in use by the first", err)
	}
}

func TestServeRefusesNonLoopbackWithoutAllowRemote(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	err := Serve(context.Background(), &Options{IO: ios, Addr: "0.0.0.0:4566", DataDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "pass --allow-remote") {
		t.Fatalf("error = %v, want a refusal naming --allow-remote", err)
	}
}

// TestDetachStatusStop drives the real binary: --detach returns once the
// server answers, status finds it, stop ends the process.
func TestDetachStatusStop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the edasctl binary")
	}
	bin := filepath.Join(t.TempDir(), "edasctl")
	build := exec.Command("go", "build", "-o", bin, "github.com/edasctl/edasctl/cmd/edasctl")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	addr := freeAddr(t)
	run := func(args ...string) (string, error) {
		out, err := exec.Command(bin, args...).Output()
		return string(out), err
	}
	t.Cleanup(func() { run("local", "stop", "--data-dir", dir) })

	out, err := run("local", "--detach", "--addr", addr, "--data-dir", dir)
	if err != nil || strings.TrimSpace(out) != "http://"+addr {
		t.Fatalf("local --detach: %q %v", out, err)
	}
	if _, ok := daemon.Probe(context.Background(), "http://"+addr); !ok {
		t.Fatal("detached server does not answer")
	}
	out, err = run("local", "status", "--data-dir", dir)
	if err != nil || strings.TrimSpace(out) != "http://"+addr {
		t.Fatalf("local status: %q %v", out, err)
	}
	if _, err := run("local", "stop", "--data-dir", dir); err != nil {
		t.Fatalf("local stop: %v", err)
	}
	if _, ok := daemon.Probe(context.Background(), "http://"+addr); ok {
		t.Fatal("server still answers after stop")
	}
	if _, err := run("local", "status", "--data-dir", dir); err == nil {
		t.Fatal("status succeeded for a stopped server, want a non-zero exit")
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
