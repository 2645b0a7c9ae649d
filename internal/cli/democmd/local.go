package democmd

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/edasctl/edasctl/internal/localaws"
	"github.com/edasctl/edasctl/internal/localaws/daemon"
	"github.com/edasctl/edasctl/internal/version"
)

// localAWS is the demo's local AWS: in this process (removed at the end) or,
// with --keep, a detached `edasctl local` that outlives the demo.
type localAWS struct {
	endpoint string
	dir      string
	pid      int
	stop     func()
}

func startLocal(ctx context.Context, keep bool) (*localAWS, error) {
	dir, err := os.MkdirTemp("", "edasctl-demo-")
	if err != nil {
		return nil, fmt.Errorf("start the local AWS: %w", err)
	}
	if keep {
		return startDetached(ctx, dir)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start the local AWS: %w", err)
	}
	endpoint := "http://" + ln.Addr().String()
	srv, err := localaws.New(localaws.WithDataDir(dir), localaws.WithVersion(version.String()), localaws.WithEndpoint(endpoint))
	if err != nil {
		ln.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 30 * time.Second}
	go hs.Serve(ln)
	return &localAWS{endpoint: endpoint, dir: dir, pid: os.Getpid(), stop: func() {
		// The demo's own work is over by now: stop the functions and
		// pollers first, then drop the connections at once (a graceful
		// Shutdown would wait 5 s for connections that never sent a request).
		srv.Close()
		hs.Close()
		os.RemoveAll(dir)
	}}, nil
}

// startDetached runs `edasctl local` in the background on a free port.
func startDetached(ctx context.Context, dir string) (*localAWS, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	endpoint := "http://" + addr
	pid, err := daemon.StartDetached(ctx, daemon.StartOptions{
		Args: []string{"local", "--addr", addr, "--data-dir", dir}, DataDir: dir, Endpoint: endpoint,
	})
	if err != nil {
		return nil, err
	}
	return &localAWS{endpoint: endpoint, dir: dir, pid: pid, stop: func() {
		daemon.Stop(context.Background(), dir, 15*time.Second)
	}}, nil
}
