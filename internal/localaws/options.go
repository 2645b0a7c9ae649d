package localaws

import (
	"log/slog"

	"github.com/edasctl/edasctl/internal/localaws/clock"
)

// An Option configures a Server built by New.
type Option func(*options)

type options struct {
	dataDir string // "" = in memory
	clock   clock.Clock
	log     *slog.Logger
	account string
	region  string
	version string
}

func defaultOptions() options {
	return options{
		clock:   clock.Real{},
		log:     slog.New(slog.DiscardHandler),
		account: DefaultAccount,
		region:  DefaultRegion,
		version: "dev",
	}
}

// DefaultAccount and DefaultRegion are the local AWS's identity.
const (
	DefaultAccount = "000000000000"
	DefaultRegion  = "us-east-1"
)

// WithDataDir keeps all state in dir (created if needed) so that it survives
// restarts. Without it, state lives in memory and is lost on Close.
func WithDataDir(dir string) Option { return func(o *options) { o.dataDir = dir } }

// WithClock sets the clock every service reads time from (default: the wall
// clock). Tests pass a *clock.Fake.
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithLogger sets where the server logs (default: nowhere).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithRegion sets the region of ARNs when a request's signature names none
// (default us-east-1).
func WithRegion(region string) Option { return func(o *options) { o.region = region } }

// WithVersion sets the version reported by /_edas/health and the
// X-Edas-Local header (default "dev").
func WithVersion(v string) Option { return func(o *options) { o.version = v } }
