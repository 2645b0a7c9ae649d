package policy_test

import (
	"fmt"

	"github.com/edasctl/edasctl/internal/localaws/policy"
)

// The SNS → SQS check: does the queue policy let the topic send?
func ExampleDocument_Evaluate() {
	doc, err := policy.Parse(`{
	  "Version": "2012-10-17",
	  "Statement": [{
	    "Effect": "Allow",
	    "Principal": {"Service": "sns.amazonaws.com"},
	    "Action": "sqs:SendMessage",
	    "Resource": "arn:aws:sqs:us-east-1:000000000000:edas-catalog",
	    "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:000000000000:edas-uploads"}}
	  }]
	}`, policy.Resource)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Evaluate(policy.Request{
		Principal: policy.Service("sns.amazonaws.com"),
		Action:    "sqs:SendMessage",
		Resource:  "arn:aws:sqs:us-east-1:000000000000:edas-catalog",
		Context:   map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:000000000000:edas-uploads"}},
	}))
	// Output: Allow
}
