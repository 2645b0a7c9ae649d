package logs

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func TestCreateLogGroup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{
		LogGroupName: aws.String("/aws/lambda/edas-thumbnail"),
		KmsKeyId:     aws.String("arn:aws:kms:us-east-1:000000000000:key/k"),
		Tags:         map[string]string{"edas:stack": "edas"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.client.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogGroups) != 1 {
		t.Fatalf("groups = %d, want 1", len(out.LogGroups))
	}
	g := out.LogGroups[0]
	want := types.LogGroup{
		LogGroupName:      aws.String("/aws/lambda/edas-thumbnail"),
		CreationTime:      aws.Int64(f.nowMs()),
		Arn:               aws.String("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/edas-thumbnail:*"),
		LogGroupArn:       aws.String("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/edas-thumbnail"),
		KmsKeyId:          aws.String("arn:aws:kms:us-east-1:000000000000:key/k"),
		MetricFilterCount: aws.Int32(0),
		StoredBytes:       aws.Int64(0),
		LogGroupClass:     types.LogGroupClassStandard,
	}
	got := fmt.Sprintf("%v %v %v %v %v %v %v %v %v", *g.LogGroupName, *g.CreationTime, *g.Arn, *g.LogGroupArn, *g.KmsKeyId, *g.MetricFilterCount, *g.StoredBytes, g.LogGroupClass, g.RetentionInDays)
	exp := fmt.Sprintf("%v %v %v %v %v %v %v %v %v", *want.LogGroupName, *want.CreationTime, *want.Arn, *want.LogGroupArn, *want.KmsKeyId, *want.MetricFilterCount, *want.StoredBytes, want.LogGroupClass, want.RetentionInDays)
	if got != exp {
		t.Errorf("log group =\n %s\nwant\n %s", got, exp)
	}
	tags, err := f.client.ListTagsForResource(ctx, &cwl.ListTagsForResourceInput{ResourceArn: g.LogGroupArn})
	if err != nil {
		t.Fatal(err)
	}
	if tags.Tags["edas:stack"] != "edas" {
		t.Errorf("tags = %v, want edas:stack=edas", tags.Tags)
	}
}

func TestCreateLogGroupErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "exists")
	tests := map[string]struct {
		name  string
		check func(*testing.T, error)
	}{
		"an existing group is ResourceAlreadyExistsException": {"exists", wantErr[*types.ResourceAlreadyExistsException]},
		"a colon in the name is InvalidParameterException":    {"bad:name", wantErr[*types.InvalidParameterException]},
		"a space in the name is InvalidParameterException":    {"bad name", wantErr[*types.InvalidParameterException]},
		"a 513-character name is InvalidParameterException":   {strings.Repeat("a", 513), wantErr[*types.InvalidParameterException]},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(tt.name)})
			tt.check(t, err)
		})
	}
	t.Run("a 512-character name of every allowed character is accepted", func(t *testing.T) {
		name := strings.Repeat("azAZ09._-/#", 47)[:512]
		if _, err := f.client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDeleteLogGroup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	f.put(t, "g", "s", []int64{f.nowMs()}, "hello")
	if _, err := f.client.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	_, err := f.client.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("g")})
	wantErr[*types.ResourceNotFoundException](t, err)

	// A group created again under the same name starts empty.
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	out, err := f.client.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 0 {
		t.Errorf("events after re-creation = %d, want 0", len(out.Events))
	}
}

func TestDescribeLogGroupsSelection(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for _, n := range []string{"/aws/lambda/a", "/aws/lambda/b", "/app/Foo", "FooBar", "foo"} {
		f.createGroup(t, n)
	}
	tests := map[string]struct {
		in   cwl.DescribeLogGroupsInput
		want string
	}{
		"no filter lists every group in name order": {cwl.DescribeLogGroupsInput{}, "/app/Foo /aws/lambda/a /aws/lambda/b FooBar foo"},
		"a prefix selects by prefix":                {cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/")}, "/aws/lambda/a /aws/lambda/b"},
		"a pattern is a case-sensitive substring":   {cwl.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("Foo")}, "/app/Foo FooBar"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := f.client.DescribeLogGroups(ctx, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, g := range out.LogGroups {
				names = append(names, *g.LogGroupName)
			}
			if got := strings.Join(names, " "); got != tt.want {
				t.Errorf("groups = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("prefix and pattern together are InvalidParameterException", func(t *testing.T) {
		_, err := f.client.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("a"), LogGroupNamePattern: aws.String("b")})
		wantErr[*types.InvalidParameterException](t, err)
	})
	t.Run("a limit over 50 is InvalidParameterException", func(t *testing.T) {
		_, err := f.client.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{Limit: aws.Int32(51)})
		wantErr[*types.InvalidParameterException](t, err)
	})
}

func TestDescribeLogGroupsPaginatesWithoutDuplicatesOrGaps(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	const n = 23
	for i := range n {
		f.createGroup(t, fmt.Sprintf("g%02d", i))
	}
	for _, limit := range []int32{1, 5, 11, 23, 50} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			p := cwl.NewDescribeLogGroupsPaginator(f.client, &cwl.DescribeLogGroupsInput{Limit: aws.Int32(limit)})
			var got []string
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, g := range out.LogGroups {
					got = append(got, *g.LogGroupName)
				}
			}
			for i := range n {
				if i >= len(got) || got[i] != fmt.Sprintf("g%02d", i) {
					t.Fatalf("groups = %v, want g00..g%02d in order", got, n-1)
				}
			}
			if len(got) != n {
				t.Fatalf("groups = %d, want %d", len(got), n)
			}
			if want := (n + int(limit) - 1) / int(limit); pages != want {
				t.Errorf("pages = %d, want %d (no empty trailing page)", pages, want)
			}
		})
	}
}

func TestRetentionPolicy(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	retention := func() *int32 {
		out, err := f.client.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("g")})
		if err != nil {
			t.Fatal(err)
		}
		return out.LogGroups[0].RetentionInDays
	}
	for _, days := range retentionDays {
		if _, err := f.client.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(days)}); err != nil {
			t.Fatalf("retention %d: %v", days, err)
		}
		if got := retention(); got == nil || *got != days {
			t.Fatalf("retentionInDays = %v, want %d", got, days)
		}
	}
	for _, days := range []int32{0, 2, 10, 366, 3654, -1} {
		_, err := f.client.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(days)})
		wantErr[*types.InvalidParameterException](t, err)
	}
	_, err := f.client.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("missing"), RetentionInDays: aws.Int32(1)})
	wantErr[*types.ResourceNotFoundException](t, err)
	if _, err := f.client.DeleteRetentionPolicy(ctx, &cwl.DeleteRetentionPolicyInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if got := retention(); got != nil {
		t.Errorf("retentionInDays after delete = %d, want absent", *got)
	}
}
