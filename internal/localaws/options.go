package localaws

import (
	"log/slog"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/clock"
)

// An Option configures a Server built by New.
type Option func(*options)

type options struct {
	dataDir  string // "" = in memory
	clock    clock.Clock
	log      *slog.Logger
	account  string
	region   string
	version  string
	realism  Realism
	endpoint string
}

// Realism switches on AWS behaviours that make clients wait or retry, so
// that their waits and retries can be exercised locally (DESIGN.md). The
// zero value turns them all off: the local AWS answers as fast as it can.
type Realism struct {
	// IAMPropagation makes a role created or changed this recently not yet
	// assumable by Lambda and its permissions not yet effective
	// (AWS-RULES I1, I3).
	IAMPropagation time.Duration
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

// AWSTiming returns AWS's delays multiplied by scale (1 = as on AWS, 0.1 =
// ten times faster). The durations at scale 1:
//   - QueueDeletedRecently 60 s, as SQS documents (AWS-RULES Q2);
//   - IAMPropagation 10 s (est.: IAM documents no figure; changes are
//     "eventually consistent", and Terraform allows up to 2 min — AWS-RULES I1);
//   - FunctionPending 2 s and MappingCreating 3 s (est.: AWS documents the
//     states, not their length; L1, L9).
func AWSTiming(scale float64) Realism {
	d := func(x time.Duration) time.Duration { return time.Duration(float64(x) * scale) }
	return Realism{
		IAMPropagation:       d(10 * time.Second),
		QueueDeletedRecently: d(60 * time.Second),
		FunctionPending:      d(2 * time.Second),
		MappingCreating:      d(3 * time.Second),
	}
}

// WithRealism switches on AWS's delays (see Realism).
func WithRealism(r Realism) Option { return func(o *options) { o.realism = r } }

// WithEndpoint sets the URL clients reach the server at (e.g.
// "http://127.0.0.1:4566"), which Lambda functions get as AWS_ENDPOINT_URL.
// Give it whenever the address is known before New, as it is once the
// listener is bound: New starts the pipeline at once, and a data directory
// may hold work for it (S3 events in the outbox, messages for event source
// mappings), so a function instance may start before the first request
// could tell the server its address. Such an instance got no
// AWS_ENDPOINT_URL: its SDK calls went to AWS itself, failed, and it stayed
// warm, failing every batch until the messages reached their dead-letter
// queue (the e2e kill -9 test, under CI's load).
func WithEndpoint(url string) Option { return func(o *options) { o.endpoint = url } }

// WithVersion sets the version reported by /_edas/health and the
// X-Edas-Local header (default "dev").
func WithVersion(v string) Option { return func(o *options) { o.version = v } }
