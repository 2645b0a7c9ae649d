package provision

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestHeadBucketStatusesNameTheCauseAndTheFix(t *testing.T) {
	for status, want := range map[int]string{
		http.StatusForbidden:           "another AWS account owns the name, or you lack s3:ListBucket; set another bucket.name",
		http.StatusMovedPermanently:    "exists in another region; set region to that region, or another bucket.name",
		http.StatusInternalServerError: "read bucket b: ",
	} {
		err := &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: errors.New("bare")}
		if got := explainHeadBucket("b", err).Error(); !strings.Contains(got, want) {
			t.Errorf("status %d: %q, want it to contain %q", status, got, want)
		}
	}
}
