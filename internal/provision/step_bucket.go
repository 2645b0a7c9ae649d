package provision

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/edasctl/edasctl/internal/config"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// bucketStep is the S3 bucket with its public access block, ownership
// controls, default encryption, TLS-only policy, versioning and tags. All
// of them are edited by this one step, one call after another, because S3
// rejects concurrent edits of one bucket's sub-resources ("A conflicting
// conditional operation is currently in progress", AWS-RULES S11).
type bucketStep struct{}

// bucketState is what read found: whether the bucket exists, the
// differences, and for each difference the call that repairs it.
type bucketState struct {
	exists bool
	diffs  []Diff
	fix    []func(context.Context, *op) error
}

// bucketMissing reports the errors S3 returns for a bucket that does not
// exist: NotFound on HeadBucket, NoSuchBucket elsewhere.
func bucketMissing(err error) bool {
	var nf *s3types.NotFound
	var nb *s3types.NoSuchBucket
	return errors.As(err, &nf) || errors.As(err, &nb) || hasCode(err, "NotFound", "NoSuchBucket")
}

func (b *bucketStep) observe(ctx context.Context, o *op) (Observation, error) {
	st, err := b.read(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if !st.exists {
		return missing("bucket missing"), nil
	}
	return observed(o.target.bucketARN(o.bucket), st.diffs), nil
}

// read compares the bucket with the plan and collects, for each difference,
// the call that repairs it.
func (b *bucketStep) read(ctx context.Context, o *op) (*bucketState, error) {
	api, name := o.clients.S3, o.bucket
	st := &bucketState{}
	if _, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &name}); err != nil {
		if bucketMissing(err) {
			return st, nil
		}
		return nil, explainHeadBucket(name, err)
	}
	st.exists = true
	checks := []func(context.Context, *op, *bucketState) error{
		checkBucketTags, checkPublicAccess, checkOwnership, checkEncryption, checkBucketPolicy, checkVersioning,
	}
	// The sub-resources are read in parallel: only writes to a bucket's
	// configuration must be serialised (AWS-RULES S11), and the fixes the
	// checks collect run one after another in ensure. Each check fills a
	// state of its own; they are merged in check order, so the diffs and
	// fixes keep a stable order.
	parts := make([]bucketState, len(checks))
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, check := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = check(ctx, o, &parts[i])
		}()
	}
	wg.Wait()
	for i := range checks {
		if errs[i] != nil {
			return nil, errs[i]
		}
		st.diffs = append(st.diffs, parts[i].diffs...)
		st.fix = append(st.fix, parts[i].fix...)
	}
	return st, nil
}

func (st *bucketState) add(d Diff, fix func(context.Context, *op) error) {
	st.diffs = append(st.diffs, d)
	st.fix = append(st.fix, fix)
}

// bucketTags returns the bucket's tags; a bucket without tags answers
// NoSuchTagSet.
func bucketTags(ctx context.Context, api S3API, name string) (map[string]string, error) {
	out, err := api.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: &name})
	if hasCode(err, "NoSuchTagSet") {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read tags of bucket %s: %w", name, err)
	}
	tags := make(map[string]string, len(out.TagSet))
	for _, t := range out.TagSet {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}

func checkBucketTags(ctx context.Context, o *op, st *bucketState) error {
	have, err := bucketTags(ctx, o.clients.S3, o.bucket)
	if err != nil {
		return err
	}
	if err := checkOwner("bucket", o.bucket, o.cfg.Stack, have); err != nil {
		return err
	}
	// An untagged bucket is adopted only while it is empty — what an up
	// interrupted between CreateBucket and tagging leaves. A bucket that
	// already holds data belongs to someone: reconfiguring it, and later
	// emptying it in down, could destroy their data.
	if have[config.TagStack] == "" {
		out, err := o.clients.S3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: &o.bucket, MaxKeys: aws.Int32(1)})
		if err != nil {
			return fmt.Errorf("read bucket %s: %w", o.bucket, err)
		}
		if len(out.Versions) > 0 || len(out.DeleteMarkers) > 0 {
			return &ForeignError{Kind: "bucket", Name: o.bucket}
		}
	}
	want := o.cfg.ResourceTags()
	for _, d := range tagDiffs(have, want) {
		st.add(d, func(ctx context.Context, o *op) error {
			// PutBucketTagging replaces the whole set: keep the others.
			merged := make(map[string]string, len(have)+len(want))
			for k, v := range have {
				merged[k] = v
			}
			for k, v := range want {
				merged[k] = v
			}
			set := make([]s3types.Tag, 0, len(merged))
			for k, v := range merged {
				set = append(set, s3types.Tag{Key: aws.String(k), Value: aws.String(v)})
			}
			_, err := o.clients.S3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{
				Bucket: &o.bucket, Tagging: &s3types.Tagging{TagSet: set},
			})
			if err != nil {
				return fmt.Errorf("tag bucket %s: %w", o.bucket, err)
			}
			return nil
		})
	}
	return nil
}

// checkPublicAccess wants all four Block Public Access settings on
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
func checkPublicAccess(ctx context.Context, o *op, st *bucketState) error {
	out, err := o.clients.S3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &o.bucket})
	have := "off"
	switch {
	case hasCode(err, "NoSuchPublicAccessBlockConfiguration"):
	case err != nil:
		return fmt.Errorf("read public access block of bucket %s: %w", o.bucket, err)
	default:
		c := out.PublicAccessBlockConfiguration
		if c != nil && aws.ToBool(c.BlockPublicAcls) && aws.ToBool(c.IgnorePublicAcls) &&
			aws.ToBool(c.BlockPublicPolicy) && aws.ToBool(c.RestrictPublicBuckets) {
			return nil
		}
		have = "partly off"
	}
	st.add(Diff{Field: "PublicAccessBlock", Have: have, Want: "all on"}, func(ctx context.Context, o *op) error {
		_, err := o.clients.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
			Bucket: &o.bucket,
			PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
				BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
			},
		})
		if err != nil {
			return fmt.Errorf("block public access to bucket %s: %w", o.bucket, err)
		}
		return nil
	})
	return nil
}

// checkOwnership wants BucketOwnerEnforced: ACLs disabled, the bucket owner
// owns every object
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
func checkOwnership(ctx context.Context, o *op, st *bucketState) error {
	out, err := o.clients.S3.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: &o.bucket})
	have := ""
	switch {
	case hasCode(err, "OwnershipControlsNotFoundError"):
	case err != nil:
		return fmt.Errorf("read ownership controls of bucket %s: %w", o.bucket, err)
	default:
		if out.OwnershipControls != nil {
			for _, r := range out.OwnershipControls.Rules {
				have = string(r.ObjectOwnership)
			}
		}
		if have == string(s3types.ObjectOwnershipBucketOwnerEnforced) {
			return nil
		}
	}
	st.add(Diff{Field: "ObjectOwnership", Have: have, Want: string(s3types.ObjectOwnershipBucketOwnerEnforced)}, func(ctx context.Context, o *op) error {
		_, err := o.clients.S3.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{
			Bucket: &o.bucket,
			OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{
				{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced},
			}},
		})
		if err != nil {
			return fmt.Errorf("enforce bucket owner on bucket %s: %w", o.bucket, err)
		}
		return nil
	})
	return nil
}

// checkEncryption wants a default encryption rule. SSE-S3 (AES256) is what
// edasctl sets; a bucket already encrypted with SSE-KMS is at least as
// strong and is left alone (S3 has applied SSE-S3 by default since
// 2023-01-05, AWS-RULES S3).
func checkEncryption(ctx context.Context, o *op, st *bucketState) error {
	out, err := o.clients.S3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &o.bucket})
	switch {
	case hasCode(err, "ServerSideEncryptionConfigurationNotFoundError"):
	case err != nil:
		return fmt.Errorf("read encryption of bucket %s: %w", o.bucket, err)
	default:
		if c := out.ServerSideEncryptionConfiguration; c != nil {
			for _, r := range c.Rules {
				if r.ApplyServerSideEncryptionByDefault != nil && r.ApplyServerSideEncryptionByDefault.SSEAlgorithm != "" {
					return nil
				}
			}
		}
	}
	st.add(Diff{Field: "DefaultEncryption", Have: "none", Want: string(s3types.ServerSideEncryptionAes256)}, func(ctx context.Context, o *op) error {
		_, err := o.clients.S3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{
			Bucket: &o.bucket,
			ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
			}}},
		})
		if err != nil {
			return fmt.Errorf("encrypt bucket %s: %w", o.bucket, err)
		}
		return nil
	})
	return nil
}

// checkBucketPolicy wants the TLS-only statement in the bucket policy,
// merged by Sid so other statements are kept.
func checkBucketPolicy(ctx context.Context, o *op, st *bucketState) error {
	out, err := o.clients.S3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &o.bucket})
	doc := ""
	switch {
	case hasCode(err, "NoSuchBucketPolicy"):
	case err != nil:
		return fmt.Errorf("read policy of bucket %s: %w", o.bucket, err)
	default:
		doc = aws.ToString(out.Policy)
	}
	want := denyInsecureTransport(o.target.bucketARN(o.bucket))
	merged, changed, err := mergeStatement(doc, want)
	if err != nil {
		return fmt.Errorf("read policy of bucket %s: %w", o.bucket, err)
	}
	if !changed {
		return nil
	}
	st.add(Diff{Field: "Policy", Note: "bucket policy lacks the TLS-only statement " + sidDenyInsecure}, func(ctx context.Context, o *op) error {
		if _, err := o.clients.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &o.bucket, Policy: &merged}); err != nil {
			return fmt.Errorf("set policy of bucket %s: %w", o.bucket, err)
		}
		return nil
	})
	return nil
}

// checkVersioning wants Enabled when configured, and otherwise a bucket
// that was never versioned or is Suspended (versioning cannot be turned
// off once on).
func checkVersioning(ctx context.Context, o *op, st *bucketState) error {
	out, err := o.clients.S3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &o.bucket})
	if err != nil {
		return fmt.Errorf("read versioning of bucket %s: %w", o.bucket, err)
	}
	have := out.Status
	want := s3types.BucketVersioningStatusSuspended
	if o.cfg.Bucket.Versioning {
		want = s3types.BucketVersioningStatusEnabled
	}
	if have == want || (want == s3types.BucketVersioningStatusSuspended && have == "") {
		return nil
	}
	st.add(Diff{Field: "Versioning", Have: string(have), Want: string(want)}, func(ctx context.Context, o *op) error {
		_, err := o.clients.S3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
			Bucket: &o.bucket, VersioningConfiguration: &s3types.VersioningConfiguration{Status: want},
		})
		if err != nil {
			return fmt.Errorf("set versioning of bucket %s: %w", o.bucket, err)
		}
		return nil
	})
	return nil
}

func (b *bucketStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	st, err := b.read(ctx, o)
	if err != nil {
		return "", "", err
	}
	outcome := Unchanged
	if !st.exists {
		if err := createBucket(ctx, o); err != nil {
			return "", "", err
		}
		outcome = Created
		// A new bucket already has some of the settings (AWS-RULES S3):
		// read again so only the missing ones are written. S3 is
		// eventually consistent, so the read may lag the create briefly.
		err := o.retry.poll(ctx, o.Timeouts.BucketCreated, o.wait, "bucket "+o.bucket+" to become visible", func() (bool, error) {
			var err error
			st, err = b.read(ctx, o)
			return err == nil && st.exists, err
		})
		if err != nil {
			return "", "", fmt.Errorf("create bucket %s: %w", o.bucket, err)
		}
	}
	for _, fix := range st.fix {
		if err := fix(ctx, o); err != nil {
			return "", "", err
		}
	}
	if outcome == Unchanged && len(st.fix) > 0 {
		outcome = Updated
	}
	return outcome, o.target.bucketARN(o.bucket), nil
}

// createBucket creates the bucket. Outside us-east-1 the region must be
// given as LocationConstraint; BucketAlreadyOwnedByYou means a previous run
// created it and is success (AWS-RULES S2).
func createBucket(ctx context.Context, o *op) error {
	in := &s3.CreateBucketInput{Bucket: &o.bucket}
	if o.target.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{
			LocationConstraint: s3types.BucketLocationConstraint(o.target.Region),
		}
	}
	// OperationAborted ("A conflicting conditional operation is currently
	// in progress") answers a create of a name S3 is still releasing after a
	// delete; it clears on its own.
	err := o.retry.do(ctx, o.Timeouts.BucketCreated, func(err error) bool { return hasCode(err, "OperationAborted") }, o.wait,
		"S3 to release the bucket name "+o.bucket+" (it was deleted moments ago)",
		func() error {
			_, err := o.clients.S3.CreateBucket(ctx, in)
			return err
		})
	var owned *s3types.BucketAlreadyOwnedByYou
	var taken *s3types.BucketAlreadyExists
	switch {
	case err == nil, errors.As(err, &owned):
		return nil
	case errors.As(err, &taken):
		return fmt.Errorf("create bucket %s: the name is taken by another AWS account; set another bucket.name", o.bucket)
	}
	return fmt.Errorf("create bucket %s: %w", o.bucket, err)
}

// explainHeadBucket turns HeadBucket's bare statuses into the cause and the
// fix: 403 is a bucket of another account (or a missing s3:ListBucket
// permission), 301 a bucket in another region.
func explainHeadBucket(name string, err error) error {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		switch re.HTTPStatusCode() {
		case 403:
			return fmt.Errorf("bucket %s exists but is not readable by you: another AWS account owns the name, or you lack s3:ListBucket; set another bucket.name", name)
		case 301:
			return fmt.Errorf("bucket %s exists in another region; set region to that region, or another bucket.name", name)
		}
	}
	return fmt.Errorf("read bucket %s: %w", name, err)
}

func (b *bucketStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	api, name := o.clients.S3, o.bucket
	if _, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &name}); err != nil {
		if bucketMissing(err) {
			return Absent, "", nil
		}
		return "", "", fmt.Errorf("read bucket %s: %w", name, err)
	}
	tags, err := bucketTags(ctx, api, name)
	if err != nil {
		return "", "", err
	}
	if !owned(o.cfg.Stack, tags) {
		return Kept, notOwnedReason("bucket", o.cfg.Stack, tags), nil
	}
	if o.KeepBucket {
		return Kept, "kept on request (--keep-bucket)", nil
	}
	o.wait("bucket " + name + " to be emptied of every object version, delete marker and upload")
	// Listings can lag the deletes (S12), and writers can keep writing while
	// the bucket is emptied (S13) — a function still finishing a batch, since
	// the functions are removed in parallel: BucketNotEmpty is retried, and
	// every attempt empties the bucket again.
	err = o.retry.do(ctx, o.Timeouts.BucketNotEmpty, func(err error) bool { return hasCode(err, "BucketNotEmpty") },
		o.wait, "bucket "+name+" to report empty", func() error {
			if err := emptyBucket(ctx, api, name); err != nil {
				return err
			}
			_, err := api.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &name})
			if bucketMissing(err) {
				return nil
			}
			return err
		})
	if err != nil {
		return "", "", fmt.Errorf("delete bucket %s: %w", name, err)
	}
	return Deleted, "", nil
}
