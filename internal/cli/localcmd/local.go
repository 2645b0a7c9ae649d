// Package localcmd implements `edasctl local`: serve the built-in local AWS in
// the foreground or detached, and `local stop` / `local status`.
package localcmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/localaws"
	"github.com/edasctl/edasctl/internal/localaws/daemon"
	"github.com/edasctl/edasctl/internal/version"
)

// Deps are what the command takes from the root.
type Deps struct {
	IO      *iostreams.Streams
	JSON    func() bool
	Verbose func() bool
}

// Options are the inputs of `edasctl local`.
type Options struct {
	IO          *iostreams.Streams
	JSON        bool
	Verbose     bool
	Addr        string
	DataDir     string // "" = daemon.DefaultDataDir()
	InMemory    bool
	Detach      bool
	AllowRemote bool
	// AWSTiming scales AWS's delays (IAM propagation, function Pending,
	// mapping Creating, QueueDeletedRecently); 0 turns them off.
	AWSTiming float64
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// after SIGINT/SIGTERM.
	ShutdownTimeout time.Duration
	// Ready, if set, is called with the listening address once the server
	// answers (tests use it).
	Ready func(addr string)
}

// NewCmd returns the `local` command and its subcommands.
func NewCmd(d Deps) *cobra.Command {
	opts := &Options{IO: d.IO, ShutdownTimeout: 10 * time.Second}
	cmd := &cobra.Command{
		Use:   "local",
		Short: "Serve the built-in local AWS (S3, SNS, SQS, Lambda, IAM, STS, Logs)",
		Long: `Serve the local AWS on one loopback address until interrupted (Ctrl-C or
SIGTERM, which let in-flight requests finish). State is durable in the data
directory (default $XDG_STATE_HOME/edasctl/local) unless --in-memory.
Any AWS SDK or the AWS CLI can use it with --endpoint-url; every edasctl verb
can with --local, which starts it detached when it is not running.`,
		Example: `  edasctl local                       # serve on 127.0.0.1:4566 until Ctrl-C
  edasctl local --detach --data-dir ./.edas
  edasctl local status
  aws --endpoint-url http://127.0.0.1:4566 sqs list-queues
  edasctl local stop`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON, opts.Verbose = d.JSON(), d.Verbose()
			if opts.Detach {
				return runDetached(cmd.Context(), opts)
			}
			return Serve(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", daemon.DefaultAddr, "listen address (loopback only unless --allow-remote)")
	f.StringVar(&opts.DataDir, "data-dir", "", "directory for durable state, pid file and log; with --in-memory only the pid file and log (default $XDG_STATE_HOME/edasctl/local)")
	f.BoolVar(&opts.InMemory, "in-memory", false, "keep all state in memory: nothing survives a restart")
	f.BoolVar(&opts.Detach, "detach", false, "run in the background and return once it answers")
	f.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow a non-loopback --addr (anyone who can reach it has full access)")
	f.Float64Var(&opts.AWSTiming, "aws-timing", 0, "simulate AWS's delays (IAM propagation, function Pending, mapping Creating, QueueDeletedRecently) scaled by this factor: 1 = as on AWS, 0 = off")

	cmd.AddCommand(newStopCmd(d), newStatusCmd(d))
	return cmd
}

func dataDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return daemon.DefaultDataDir()
}

// Serve runs the local AWS in the foreground until ctx is cancelled, then
// shuts down gracefully: the listener closes, in-flight requests finish
// (bounded by ShutdownTimeout), and the state is closed consistently.
func Serve(ctx context.Context, opts *Options) error {
	start := time.Now()
	if err := daemon.CheckAddr(opts.Addr, opts.AllowRemote); err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	dir, err := dataDir(opts.DataDir)
	if err != nil {
		return err
	}
	lock, err := daemon.Lock(dir)
	if err != nil {
		return err
	}
	defer lock.Close()

	level := slog.LevelInfo
	if opts.Verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: level}))
	serverOpts := []localaws.Option{localaws.WithVersion(version.String()), localaws.WithLogger(logger)}
	if opts.AWSTiming < 0 {
		return cmdutil.FlagErrorf("--aws-timing must be 0 (off) or a positive scale, not %g", opts.AWSTiming)
	}
	if opts.AWSTiming > 0 {
		serverOpts = append(serverOpts, localaws.WithRealism(localaws.AWSTiming(opts.AWSTiming)))
	}
	if !opts.InMemory {
		serverOpts = append(serverOpts, localaws.WithDataDir(dir))
	}
	// Bind first: the server's functions must know its address from the
	// start (localaws.WithEndpoint).
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	addr := ln.Addr().String()
	serverOpts = append(serverOpts, localaws.WithEndpoint("http://"+addr))
	srv, err := localaws.New(serverOpts...)
	if err != nil {
		ln.Close()
		return err
	}
	httpSrv := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()

	rec := daemon.Record{PID: os.Getpid(), Addr: addr, Version: version.String(), DataDir: dir, InMemory: opts.InMemory, Started: start}
	if err := daemon.WriteRecord(dir, rec); err != nil {
		httpSrv.Close()
		srv.Close()
		return err
	}
	defer daemon.RemoveRecord(dir, rec.PID)
	state := dir
	if opts.InMemory {
		state = "in memory (lost on exit)"
	}
	fmt.Fprintf(opts.IO.ErrOut, "local AWS %s listening on http://%s (ready in %v)\n  state: %s\n  use it: edasctl --endpoint-url http://%s up   or   export AWS_ENDPOINT_URL=http://%s\n",
		version.String(), addr, time.Since(start).Round(time.Millisecond), state, addr, addr)
	if opts.Ready != nil {
		opts.Ready(addr)
	}

	select {
	case err := <-served:
		srv.Close()
		return fmt.Errorf("serve the local AWS: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(opts.IO.ErrOut, "stopping the local AWS: finishing in-flight requests…")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), opts.ShutdownTimeout)
	defer cancel()
	shutdownErr := httpSrv.Shutdown(shutdownCtx)
	if err := srv.Close(); err != nil {
		return fmt.Errorf("close the local AWS state: %w", err)
	}
	if shutdownErr != nil {
		return fmt.Errorf("stop the local AWS: %w", shutdownErr)
	}
	fmt.Fprintln(opts.IO.ErrOut, "local AWS stopped")
	return nil
}

func runDetached(ctx context.Context, opts *Options) error {
	if err := daemon.CheckAddr(opts.Addr, opts.AllowRemote); err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	if _, port, _ := net.SplitHostPort(opts.Addr); port == "0" {
		return cmdutil.FlagErrorf("--detach needs a fixed port in --addr, not %s", opts.Addr)
	}
	dir, err := dataDir(opts.DataDir)
	if err != nil {
		return err
	}
	endpoint := "http://" + opts.Addr
	if h, ok := daemon.Probe(ctx, endpoint); ok {
		return cmdutil.WithHint(fmt.Errorf("a local AWS (%s) is already serving %s", h.Version, endpoint), "stop it with 'edasctl local stop', or pick another --addr")
	}
	args := []string{"local", "--addr", opts.Addr, "--data-dir", dir}
	if opts.InMemory {
		args = append(args, "--in-memory")
	}
	if opts.AllowRemote {
		args = append(args, "--allow-remote")
	}
	if opts.AWSTiming > 0 {
		args = append(args, "--aws-timing", fmt.Sprint(opts.AWSTiming))
	}
	pid, err := daemon.StartDetached(ctx, daemon.StartOptions{Args: args, DataDir: dir, Endpoint: endpoint})
	if err != nil {
		return err
	}
	return printRecord(opts.IO, opts.JSON, daemon.Record{PID: pid, Addr: opts.Addr, Version: version.String(), DataDir: dir, InMemory: opts.InMemory}, true)
}

// errNotRunning gets the hint of how to start it.
func errNotRunning(err error) error {
	if errors.Is(err, daemon.ErrNotRunning) {
		return cmdutil.WithHint(err, "start it with 'edasctl local --detach' (or use --local with any verb)")
	}
	return err
}
