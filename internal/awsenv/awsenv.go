// Package awsenv is the one place where edasctl builds its aws.Config.
//
// Every command that talks to AWS (or to the local AWS) gets its configuration
// from Load, so region, profile, endpoint, retry mode and credential checks
// behave the same everywhere.
package awsenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/edasctl/edasctl/internal/s3endpoint"
	"github.com/edasctl/edasctl/internal/smallbody"
)

// LocalEndpoint is the default address of the local AWS (`edasctl local`).
const LocalEndpoint = "http://127.0.0.1:4566"

// LocalRegion is the region assumed on a local endpoint when none is configured.
const LocalRegion = "us-east-1"

// credentialCheckTimeout bounds the credential lookup. Off EC2 the chain ends
// with an IMDS probe, which must not make a missing-credentials error slow.
const credentialCheckTimeout = 10 * time.Second

// Options select the target. Zero values mean "from the standard AWS chain".
type Options struct {
	Region      string // --region; else AWS_REGION / AWS_DEFAULT_REGION / the profile
	Profile     string // --profile; else AWS_PROFILE / "default"
	EndpointURL string // --endpoint-url; else AWS_ENDPOINT_URL (read by the SDK itself)
	Verbose     bool   // log retries and request summaries to the SDK logger
}

// ErrNoRegion and ErrNoCredentials classify the two set-up failures a new user
// hits first; the CLI adds a hint to each.
var (
	ErrNoRegion      = errors.New("no AWS region found")
	ErrNoCredentials = errors.New("no AWS credentials found")
)

// Load builds the aws.Config for one invocation from the standard chain
// (environment, shared config and credentials files, SSO, IMDS), the given
// overrides, and the adaptive retry mode (client-side rate limiting on
// throttling; https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
//
// The endpoint, from Options or from AWS_ENDPOINT_URL, applies to every
// client; S3 clients must also be built with S3Options so they use path-style
// addressing. AWS_CA_BUNDLE is honoured by the SDK loader, which adds the
// bundle's certificates to the HTTPS client; a missing bundle file is an error.
//
// On a loopback endpoint (the local AWS) a missing region defaults to
// us-east-1 and missing credentials to static test credentials, because the
// local AWS accepts any SigV4 signature. Elsewhere both must be found, and
// Load returns ErrNoRegion or ErrNoCredentials (wrapped) if they are not.
func Load(ctx context.Context, opts Options) (aws.Config, error) {
	loadOpts := []func(*config.LoadOptions) error{
		config.WithRetryMode(aws.RetryModeAdaptive),
	}
	if opts.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(opts.Region))
	}
	if opts.Profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.EndpointURL != "" {
		if err := checkEndpoint(opts.EndpointURL); err != nil {
			return aws.Config{}, err
		}
		loadOpts = append(loadOpts, config.WithBaseEndpoint(opts.EndpointURL))
	}
	if IsLoopback(opts.EndpointURL) || IsLoopback(os.Getenv("AWS_ENDPOINT_URL")) {
		// The local AWS needs no instance credentials: skip the IMDS probe,
		// which off EC2 only costs time and a warning.
		loadOpts = append(loadOpts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	if opts.Verbose {
		loadOpts = append(loadOpts, config.WithClientLogMode(aws.LogRetries|aws.LogRequest))
	} else {
		// The SDK's own warnings (IMDS fallbacks, skipped checksums) are
		// noise for a CLI user; -v shows them with the request log.
		loadOpts = append(loadOpts, config.WithLogger(logging.Nop{}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	endpoint := aws.ToString(cfg.BaseEndpoint)
	if endpoint != "" {
		if err := checkEndpoint(endpoint); err != nil {
			return aws.Config{}, err
		}
	}
	local := IsLoopback(endpoint)
	if cfg.Region == "" {
		if !local {
			return aws.Config{}, fmt.Errorf("%w: set --region, AWS_REGION or a region in your AWS profile", ErrNoRegion)
		}
		cfg.Region = LocalRegion
	}
	if err := checkCredentials(ctx, &cfg, local); err != nil {
		return aws.Config{}, err
	}
	return cfg, nil
}

// S3Options returns the S3 client options edasctl always applies: path-style
// addressing whenever a custom endpoint is in use (AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_S3 or --endpoint-url), because emulators and the local AWS
// serve buckets under the path, not as sub-domains, and such an endpoint is
// resolved without evaluating the S3 rule set (package s3endpoint). Small
// request bodies leave in the same write as their headers (package
// smallbody).
func S3Options(cfg aws.Config) func(*s3.Options) {
	custom := cfg.BaseEndpoint != nil || os.Getenv("AWS_ENDPOINT_URL_S3") != ""
	return func(o *s3.Options) {
		if custom {
			o.UsePathStyle = true
		}
		s3endpoint.Options(o) // the endpoint s3.NewFromConfig resolved, if any
		o.HTTPClient = smallbody.WrapSDK(o.HTTPClient)
	}
}

// IsLoopback reports whether endpoint is an http(s) URL whose host is a
// loopback address or "localhost".
func IsLoopback(endpoint string) bool {
	if endpoint == "" {
		return false
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint URL %q is not an http(s) URL with a host, e.g. %s", endpoint, LocalEndpoint)
	}
	return nil
}

func checkCredentials(ctx context.Context, cfg *aws.Config, local bool) error {
	if cfg.Credentials == nil {
		if !local {
			return fmt.Errorf("%w: configure a profile (aws configure / aws sso login) or set AWS_ACCESS_KEY_ID", ErrNoCredentials)
		}
		cfg.Credentials = localCredentials()
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, credentialCheckTimeout)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if local {
			cfg.Credentials = localCredentials()
			return nil
		}
		return fmt.Errorf("%w (%v): configure a profile (aws configure / aws sso login) or set AWS_ACCESS_KEY_ID", ErrNoCredentials, firstLine(err))
	}
	return nil
}

func localCredentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider("test", "test", "")
}

// firstLine keeps wrapped SDK errors, which can span lines, to one line.
func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
