package localaws

import (
	"log/slog"
	"time"

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
	realism Realism
}

// Realism switches on AWS behaviours that make clients wait or retry, so
// that their waits and retries can be exercised locally (DESIGN.md). The
// zero value turns them all off: the local AWS answers as fast as it can.
type Realism struct {
	// QueueDeletedRecently refuses to re-create a queue this long after its
	// deletion (AWS: 60 s; AWS-RULES Q2).
	QueueDeletedRecently time.Duration
	// FunctionPending keeps a new or updated function Pending/InProgress
	// this long (AWS-RULES L1).
	FunctionPending time.Duration
	// MappingCreating keeps a new event source mapping Creating this long
	// (AWS-RULES L9).
	MappingCreating time.Duration
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

// WithRealism switches on AWS's delays (see Realism).
func WithRealism(r Realism) Option { return func(o *options) { o.realism = r } }

// WithVersion sets the version reported by /_edas/health and the
// X-Edas-Local header (default "dev").
func WithVersion(v string) Option { return func(o *options) { o.version = v } }
