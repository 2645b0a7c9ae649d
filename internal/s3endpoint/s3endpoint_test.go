package s3endpoint

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// describe renders what the SDK uses of an endpoint: its URI, headers and
// each auth option's scheme and signer properties.
func describe(e smithyendpoints.Endpoint, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	out := fmt.Sprintf("uri=%s headers=%v", e.URI.String(), e.Headers)
	opts, _ := smithyauth.GetAuthOptions(&e.Properties)
	for _, o := range opts {
		name, _ := smithyhttp.GetSigV4SigningName(&o.SignerProperties)
		aname, _ := smithyhttp.GetSigV4ASigningName(&o.SignerProperties)
		region, _ := smithyhttp.GetSigV4SigningRegion(&o.SignerProperties)
		dbl, _ := smithyhttp.GetDisableDoubleEncoding(&o.SignerProperties)
		out += fmt.Sprintf(" auth{%s name=%s aname=%s region=%s noDoubleEncoding=%v}", o.SchemeID, name, aname, region, dbl)
	}
	return out
}

func params(endpoint, region string, bucket *string, mod ...func(*s3.EndpointParameters)) s3.EndpointParameters {
	p := s3.EndpointParameters{Endpoint: aws.String(endpoint), Region: aws.String(region), Bucket: bucket,
		ForcePathStyle: aws.Bool(true), UseFIPS: aws.Bool(false), UseDualStack: aws.Bool(false),
		Accelerate: aws.Bool(false), UseGlobalEndpoint: aws.Bool(false), DisableMultiRegionAccessPoints: aws.Bool(false)}
	for _, m := range mod {
		m(&p)
	}
	return p
}

// paramVariants are the parameters an operation or the client's options
// may set beside the bucket and region, none of which changes the endpoint
// of a path-style request to a custom endpoint.
var paramVariants = []func(*s3.EndpointParameters){
	func(*s3.EndpointParameters) {},
	func(p *s3.EndpointParameters) { p.Key = aws.String("uploads/a b+c.jpg") },
	func(p *s3.EndpointParameters) { p.Prefix = aws.String("uploads/") },
	func(p *s3.EndpointParameters) { p.CopySource = aws.String("other/uploads/a.jpg") },
	func(p *s3.EndpointParameters) { p.UseGlobalEndpoint = aws.Bool(true) },
	func(p *s3.EndpointParameters) { p.UseArnRegion = aws.Bool(true) },
	func(p *s3.EndpointParameters) { p.DisableAccessPoints = aws.Bool(true) },
	func(p *s3.EndpointParameters) { p.DisableMultiRegionAccessPoints = aws.Bool(true) },
	func(p *s3.EndpointParameters) { p.DisableS3ExpressSessionAuth = aws.Bool(true) },
	func(p *s3.EndpointParameters) { p.UseObjectLambdaEndpoint = aws.Bool(false) },
}

// Every request the resolver answers itself gets the endpoint the SDK's
// rule set gives.
func TestResolverAgreesWithTheSDKsRules(t *testing.T) {
	ctx := context.Background()
	sdk := s3.NewDefaultEndpointResolverV2()
	for _, base := range []string{"http://127.0.0.1:4566", "http://localhost:4566/", "https://s3.example.test/prefix", "http://[::1]:9000/a/b/"} {
		r := New(base)
		if r == nil {
			t.Fatalf("New(%q) = nil", base)
		}
		for _, region := range []string{"us-east-1", "eu-west-3"} {
			for _, bucket := range []*string{nil, aws.String("edas-000000000000-us-east-1"), aws.String("my.dotted.bucket"), aws.String("abc")} {
				for _, mod := range paramVariants {
					p := params(base, region, bucket, mod)
					if !r.handles(p) {
						t.Errorf("%s %s %v: the resolver does not answer it itself", base, region, aws.ToString(bucket))
						continue
					}
					got, want := describe(r.ResolveEndpoint(ctx, p)), describe(sdk.ResolveEndpoint(ctx, p))
					if got != want {
						t.Errorf("base %s region %s bucket %q params %+v:\n got %s\nwant %s", base, region, aws.ToString(bucket), p, got, want)
					}
				}
			}
		}
	}
}

// Requests it does not answer itself reach the SDK's resolver: the result,
// error included, is the SDK's.
func TestResolverHandsOtherRequestsToTheSDK(t *testing.T) {
	ctx := context.Background()
	sdk := s3.NewDefaultEndpointResolverV2()
	base := "http://127.0.0.1:4566"
	r := New(base)
	for name, p := range map[string]s3.EndpointParameters{
		"other endpoint":        params("http://127.0.0.1:9999", "us-east-1", aws.String("bucket")),
		"virtual host":          params(base, "us-east-1", aws.String("bucket"), func(p *s3.EndpointParameters) { p.ForcePathStyle = aws.Bool(false) }),
		"fips":                  params(base, "us-east-1", aws.String("bucket"), func(p *s3.EndpointParameters) { p.UseFIPS = aws.Bool(true) }),
		"dual-stack":            params(base, "us-east-1", aws.String("bucket"), func(p *s3.EndpointParameters) { p.UseDualStack = aws.Bool(true) }),
		"accelerate":            params(base, "us-east-1", aws.String("bucket"), func(p *s3.EndpointParameters) { p.Accelerate = aws.Bool(true) }),
		"global region":         params(base, "aws-global", aws.String("bucket")),
		"object lambda":         params(base, "us-east-1", aws.String("bucket"), func(p *s3.EndpointParameters) { p.UseObjectLambdaEndpoint = aws.Bool(true) }),
		"express control":       params(base, "us-east-1", nil, func(p *s3.EndpointParameters) { p.UseS3ExpressControlEndpoint = aws.Bool(true) }),
		"access point ARN":      params(base, "us-east-1", aws.String("arn:aws:s3:us-east-1:000000000000:accesspoint/ap")),
		"directory bucket":      params(base, "us-east-1", aws.String("mybucket--use1-az4--x-s3")),
		"upper-case bucket":     params(base, "us-east-1", aws.String("Bucket")),
		"bucket with a slash":   params(base, "us-east-1", aws.String("a/b")),
		"no endpoint parameter": params(base, "us-east-1", aws.String("bucket"), func(p *s3.EndpointParameters) { p.Endpoint = nil }),
	} {
		if r.handles(p) {
			t.Errorf("%s: answered by the resolver itself", name)
			continue
		}
		if got, want := describe(r.ResolveEndpoint(ctx, p)), describe(sdk.ResolveEndpoint(ctx, p)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}

func TestNewRefusesWhatItCannotResolve(t *testing.T) {
	for _, base := range []string{"", "127.0.0.1:4566", "ftp://host/", "http://host/?q=1", "http://user:pw@host/", "http://host/a%2Fb"} {
		if New(base) != nil {
			t.Errorf("New(%q) accepted it", base)
		}
	}
}

func TestOptionsSetsTheResolverOnlyForACustomEndpoint(t *testing.T) {
	var o s3.Options
	Options(&o)
	if o.EndpointResolverV2 != nil || o.UsePathStyle {
		t.Errorf("without BaseEndpoint Options changed the client: %+v", o)
	}
	o.BaseEndpoint = aws.String("http://127.0.0.1:4566")
	Options(&o)
	if _, ok := o.EndpointResolverV2.(*Resolver); !ok || !o.UsePathStyle {
		t.Errorf("with a BaseEndpoint: resolver %T, path style %v", o.EndpointResolverV2, o.UsePathStyle)
	}
}
