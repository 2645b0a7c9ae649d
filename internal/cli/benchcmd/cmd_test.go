package benchcmd

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/iostreams"
)

func TestNewCmd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		want    Options
		wantErr bool
	}{
		{name: "defaults are 100 objects of 1KiB, 8 at a time", args: nil,
			want: Options{Objects: 100, Size: 1024, Concurrency: 8}},
		{name: "flags set the run", args: []string{"--objects", "1000", "--size", "4MiB", "--concurrency", "16", "--timeout", "30s", "--keep"},
			want: Options{Objects: 1000, Size: 4 << 20, Concurrency: 16, Timeout: 30 * time.Second, Keep: true}},
		{name: "short flags", args: []string{"-n", "5", "-c", "2", "--size", "10"},
			want: Options{Objects: 5, Size: 10, Concurrency: 2}},
		{name: "refuses a decimal size", args: []string{"--size", "1MB"}, wantErr: true},
		{name: "refuses zero objects", args: []string{"--objects", "0"}, wantErr: true},
		{name: "refuses zero concurrency", args: []string{"--concurrency", "0"}, wantErr: true},
		{name: "refuses a negative timeout", args: []string{"--timeout", "-1s"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmd(Deps{IO: ios, JSON: func() bool { return false }}, func(_ context.Context, o *Options) error { got = o; return nil })
			cmd.SetArgs(tc.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
			err := cmd.Execute()
			if tc.wantErr {
				var fe *cmdutil.FlagError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a FlagError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Objects != tc.want.Objects || got.Size != tc.want.Size || got.Concurrency != tc.want.Concurrency ||
				got.Timeout != tc.want.Timeout || got.Keep != tc.want.Keep {
				t.Fatalf("options %+v, want %+v", got, tc.want)
			}
		})
	}
}
