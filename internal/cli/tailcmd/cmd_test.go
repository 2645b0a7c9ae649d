package tailcmd

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/iostreams"
)

func TestNewCmd_flags(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		json  bool
		check func(*testing.T, *Options)
	}{
		{"defaults read the last ten minutes once, rendered", nil, false, func(t *testing.T, o *Options) {
			if o.Follow || o.Raw || o.JSON || o.Filter != "" || o.Consumers != nil || o.Since.Ago != 10*time.Minute {
				t.Errorf("defaults = %+v", o)
			}
		}},
		{"-f follows", []string{"-f"}, false, func(t *testing.T, o *Options) {
			if !o.Follow {
				t.Error("Follow = false")
			}
		}},
		{"--consumer repeats", []string{"--consumer", "a", "--consumer", "b"}, false, func(t *testing.T, o *Options) {
			if !slices.Equal(o.Consumers, []string{"a", "b"}) {
				t.Errorf("Consumers = %v", o.Consumers)
			}
		}},
		{"--since takes a time", []string{"--since", "2026-11-28T12:00:00Z"}, false, func(t *testing.T, o *Options) {
			if !o.Since.At.Equal(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)) {
				t.Errorf("Since = %+v", o.Since)
			}
		}},
		{"--filter, --raw and -o json pass through", []string{"--filter", `{ $.outcome = "error" }`, "--raw"}, true, func(t *testing.T, o *Options) {
			if o.Filter != `{ $.outcome = "error" }` || !o.Raw || !o.JSON {
				t.Errorf("options = %+v", o)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmd(Deps{IO: ios, JSON: func() bool { return tt.json }}, func(_ context.Context, o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func TestNewCmd_refuses(t *testing.T) {
	for name, args := range map[string][]string{
		"a malformed --since": {"--since", "yesterday"},
		"an argument":         {"catalog"},
	} {
		t.Run(name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ran := false
			cmd := NewCmd(Deps{IO: ios, JSON: func() bool { return false }}, func(context.Context, *Options) error { ran = true; return nil })
			cmd.SetArgs(args)
			cmd.SetOut(ios.ErrOut)
			cmd.SetErr(ios.ErrOut)
			if err := cmd.Execute(); err == nil || ran {
				t.Errorf("err = %v, ran = %v; want an error before running", err, ran)
			}
		})
	}
}

func TestNewRenderer(t *testing.T) {
	tests := []struct {
		name             string
		stdoutTTY, color bool
		json             bool
		wantColor        bool
	}{
		{"a terminal with colour gets colour", true, true, false, true},
		{"a pipe gets no colour", false, true, false, false},
		{"a terminal with NO_COLOR gets no colour", true, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetTTY(tt.stdoutTTY, tt.stdoutTTY)
			ios.SetColorEnabled(tt.color)
			r, ok := newRenderer(&Options{IO: ios}, []string{"thumbnail", "catalog"}).(*TextRenderer)
			if !ok || r.Color != tt.wantColor || r.Width != len("thumbnail") {
				t.Errorf("renderer = %+v, want text with colour %v and width 9", r, tt.wantColor)
			}
		})
	}
	ios, _, _, _ := iostreams.Test()
	if _, ok := newRenderer(&Options{IO: ios, JSON: true}, nil).(*JSONRenderer); !ok {
		t.Error("-o json did not give the JSON renderer")
	}
}
