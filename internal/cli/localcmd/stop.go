package localcmd

import (
	"fmt"
	"time"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"

	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/localaws/daemon"
)

func newStopCmd(d Deps) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:     "stop",
		Short:   "Stop the detached local AWS (it finishes in-flight requests first)",
		Example: "  edasctl local stop\n  edasctl local stop --data-dir ./.edas",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dd, err := dataDir(dir)
			if err != nil {
				return err
			}
			rec, err := daemon.Stop(cmd.Context(), dd, 15*time.Second)
			if err != nil {
				return errNotRunning(err)
			}
			fmt.Fprintf(d.IO.ErrOut, "stopped the local AWS on %s (pid %d)\n", rec.Addr, rec.PID)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "data-dir", "", "data directory of the server to stop (default $XDG_STATE_HOME/edasctl/local)")
	return cmd
}

func newStatusCmd(d Deps) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:     "status",
		Short:   "Tell whether the detached local AWS runs, where, and its pid",
		Example: "  edasctl local status\n  edasctl local status -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dd, err := dataDir(dir)
			if err != nil {
				return err
			}
			rec, err := daemon.Status(cmd.Context(), dd)
			if err != nil {
				return errNotRunning(err)
			}
			return printRecord(d.IO, d.JSON(), rec, false)
		},
	}
	cmd.Flags().StringVar(&dir, "data-dir", "", "data directory of the server (default $XDG_STATE_HOME/edasctl/local)")
	return cmd
}

// printRecord prints where a server runs: the endpoint on stdout (data), the
// details on stderr, or the whole record as JSON.
func printRecord(ios *iostreams.Streams, asJSON bool, rec daemon.Record, started bool) error {
	if asJSON {
		out := struct {
			daemon.Record
			Endpoint string `json:"endpoint"`
		}{rec, rec.Endpoint()}
		return cmdutil.WriteJSON(ios.Out, out)
	}
	verb := "running"
	if started {
		verb = "started"
	}
	fmt.Fprintf(ios.ErrOut, "local AWS %s (pid %d, data %s, log %s)\n", verb, rec.PID, rec.DataDir, daemon.LogPath(rec.DataDir))
	_, err := fmt.Fprintln(ios.Out, rec.Endpoint())
	return err
}
