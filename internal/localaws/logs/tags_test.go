package logs

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

const groupArn = "arn:aws:logs:us-east-1:000000000000:log-group:g"

func TestTagResource(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	list := func() string {
		out, err := f.client.ListTagsForResource(ctx, &cwl.ListTagsForResourceInput{ResourceArn: aws.String(groupArn)})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(out.Tags)
	}
	if _, err := f.client.TagResource(ctx, &cwl.TagResourceInput{ResourceArn: aws.String(groupArn), Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.TagResource(ctx, &cwl.TagResourceInput{ResourceArn: aws.String(groupArn + ":*"), Tags: map[string]string{"b": "3"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "map[a:1 b:3]" {
		t.Errorf("tags = %s, want map[a:1 b:3]", got)
	}
	if _, err := f.client.UntagResource(ctx, &cwl.UntagResourceInput{ResourceArn: aws.String(groupArn), TagKeys: []string{"a", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "map[b:3]" {
		t.Errorf("tags after untag = %s, want map[b:3]", got)
	}
}

func TestTagLogGroup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	if _, err := f.client.TagLogGroup(ctx, &cwl.TagLogGroupInput{LogGroupName: aws.String("g"), Tags: map[string]string{"team": "edas"}}); err != nil {
		t.Fatal(err)
	}
	out, err := f.client.ListTagsLogGroup(ctx, &cwl.ListTagsLogGroupInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(out.Tags) != "map[team:edas]" {
		t.Errorf("tags = %v", out.Tags)
	}
	if _, err := f.client.UntagLogGroup(ctx, &cwl.UntagLogGroupInput{LogGroupName: aws.String("g"), Tags: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	out, err = f.client.ListTagsLogGroup(ctx, &cwl.ListTagsLogGroupInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 0 {
		t.Errorf("tags after untag = %v, want none", out.Tags)
	}
}

func TestTagErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	fifty := map[string]string{}
	for i := range 50 {
		fifty[fmt.Sprintf("k%02d", i)] = "v"
	}
	if _, err := f.client.TagResource(ctx, &cwl.TagResourceInput{ResourceArn: aws.String(groupArn), Tags: fifty}); err != nil {
		t.Fatalf("50 tags: %v", err)
	}
	tests := map[string]struct {
		arn   string
		tags  map[string]string
		check func(*testing.T, error)
	}{
		"a 51st tag is TooManyTagsException":                 {groupArn, map[string]string{"one-more": "v"}, wantErr[*types.TooManyTagsException]},
		"a missing group is ResourceNotFoundException":       {groupArn + "x", map[string]string{"a": "b"}, wantErr[*types.ResourceNotFoundException]},
		"a non-logs ARN is InvalidParameterException":        {"arn:aws:sqs:us-east-1:000000000000:q", map[string]string{"a": "b"}, wantErr[*types.InvalidParameterException]},
		"an aws: key is InvalidParameterException":           {groupArn, map[string]string{"aws:x": "b"}, wantErr[*types.InvalidParameterException]},
		"a key with a comma is InvalidParameterException":    {groupArn, map[string]string{"a,b": "c"}, wantErr[*types.InvalidParameterException]},
		"a 257-character value is InvalidParameterException": {groupArn, map[string]string{"k00": string(make([]byte, 257))}, wantErr[*types.InvalidParameterException]},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.client.TagResource(ctx, &cwl.TagResourceInput{ResourceArn: aws.String(tt.arn), Tags: tt.tags})
			tt.check(t, err)
		})
	}
	t.Run("replacing an existing key at 50 tags is accepted", func(t *testing.T) {
		if _, err := f.client.TagResource(ctx, &cwl.TagResourceInput{ResourceArn: aws.String(groupArn), Tags: map[string]string{"k00": "new"}}); err != nil {
			t.Fatal(err)
		}
	})
}
