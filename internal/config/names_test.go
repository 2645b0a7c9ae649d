package config

import (
	"reflect"
	"testing"
)

func TestNames(t *testing.T) {
	c := Default()
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"bucket is derived from stack, account and region", c.BucketName("123456789012", "eu-west-1"), "edas-123456789012-eu-west-1"},
		{"topic is <stack>-uploads", c.TopicName(), "edas-uploads"},
		{"queue is <stack>-<consumer>", c.QueueName("thumbnail"), "edas-thumbnail"},
		{"dead-letter queue is <stack>-<consumer>-dlq", c.DLQName("thumbnail"), "edas-thumbnail-dlq"},
		{"role is <stack>-<consumer>", c.RoleName("catalog"), "edas-catalog"},
		{"function is <stack>-<consumer>", c.FunctionName("catalog"), "edas-catalog"},
		{"log group is Lambda's default for the function", c.LogGroupName("catalog"), "/aws/lambda/edas-catalog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestBucketNameUsesTheConfiguredName(t *testing.T) {
	c := Default()
	c.Bucket.Name = "my-bucket"
	if got := c.BucketName("123456789012", "eu-west-1"); got != "my-bucket" {
		t.Errorf("BucketName = %q, want my-bucket", got)
	}
}

func TestResourceTags(t *testing.T) {
	t.Run("user tags come with the stack and managed-by tags", func(t *testing.T) {
		c := Default()
		c.Stack = "prod"
		c.Tags = map[string]string{"team": "media", "Owner": "ops"}
		want := map[string]string{
			"team": "media", "Owner": "ops",
			"edas:stack": "prod", "edas:managed-by": "edasctl",
		}
		if got := c.ResourceTags(); !reflect.DeepEqual(got, want) {
			t.Errorf("ResourceTags = %v, want %v", got, want)
		}
	})
	t.Run("the reserved tags win over user tags", func(t *testing.T) {
		c := Default()
		c.Tags = map[string]string{TagStack: "other", TagManagedBy: "someone"}
		got := c.ResourceTags()
		if got[TagStack] != "edas" || got[TagManagedBy] != ManagedByValue {
			t.Errorf("ResourceTags = %v, want edasctl's values for the reserved keys", got)
		}
	})
	t.Run("the result is a copy", func(t *testing.T) {
		c := Default()
		c.Tags = map[string]string{"team": "media"}
		c.ResourceTags()["team"] = "changed"
		if c.Tags["team"] != "media" {
			t.Errorf("modifying ResourceTags changed Tags: %v", c.Tags)
		}
	})
	t.Run("no user tags gives just the reserved ones", func(t *testing.T) {
		c := Default()
		want := map[string]string{"edas:stack": "edas", "edas:managed-by": "edasctl"}
		if got := c.ResourceTags(); !reflect.DeepEqual(got, want) {
			t.Errorf("ResourceTags = %v, want %v", got, want)
		}
	})
}

func TestVisibilityTimeoutIsSixTimesTheFunctionTimeout(t *testing.T) {
	c := Consumer{Function: Function{TimeoutSeconds: 900}}
	if got := c.VisibilityTimeoutSeconds(); got != 5400 {
		t.Errorf("VisibilityTimeoutSeconds = %d, want 5400", got)
	}
}

func TestActionsReturnsACopy(t *testing.T) {
	a := Actions()
	a[0] = "changed"
	if got := Actions(); !reflect.DeepEqual(got, []string{"thumbnail", "catalog"}) {
		t.Errorf("Actions() = %v after modifying an earlier result", got)
	}
}
