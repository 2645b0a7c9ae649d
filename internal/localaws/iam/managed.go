package iam

import (
	"net/http"
	"net/url"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// A managedPolicy is an AWS-managed policy: read-only, known by ARN.
type managedPolicy struct {
	Name, Path, ID, Version, Description string
	Created, Updated                     time.Time
	Document                             string
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// managedPolicies are the AWS-managed policies the local IAM knows, with
// their current default versions as the AWS Managed Policy Reference
// publishes them (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html),
// except AmazonSQSFullAccess, whose document is its long-standing sqs:*
// grant (est.: the reference page could not be consulted). Policy IDs are
// stable placeholders in AWS's format, not necessarily AWS's.
var managedPolicies = map[string]managedPolicy{
	"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": {
		Name: "AWSLambdaBasicExecutionRole", Path: "/service-role/", ID: "ANPAJNCQGXC42545SKXIK", Version: "v1",
		Description: "Provides write permissions to CloudWatch Logs.",
		Created:     date("2015-04-09T15:03:43Z"), Updated: date("2015-04-09T15:03:43Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,
	},
	"arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole": {
		Name: "AWSLambdaSQSQueueExecutionRole", Path: "/service-role/", ID: "ANPAJFWJZI6JNND4TSELK", Version: "v1",
		Description: "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
		Created:     date("2018-06-14T21:50:45Z"), Updated: date("2018-06-14T21:50:45Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,
	},
	"arn:aws:iam::aws:policy/AWSLambdaExecute": {
		Name: "AWSLambdaExecute", Path: "/", ID: "ANPAJE5FX7FQZSU5XAKGO", Version: "v1",
		Description: "Provides Put, Get access to S3 and full access to CloudWatch Logs.",
		Created:     date("2015-02-06T18:40:46Z"), Updated: date("2015-02-06T18:40:46Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],"Resource":"arn:aws:logs:*:*:*"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::*"}]}`,
	},
	"arn:aws:iam::aws:policy/service-role/AWSLambdaRole": {
		Name: "AWSLambdaRole", Path: "/service-role/", ID: "ANPAJX4DPCRGTC4NFDUXI", Version: "v1",
		Description: "Default policy for AWS Lambda service role.",
		Created:     date("2015-02-06T18:41:28Z"), Updated: date("2015-02-06T18:41:28Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]}`,
	},
	"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess": {
		Name: "AmazonS3ReadOnlyAccess", Path: "/", ID: "ANPAIZTJ4DXE7G6AGAE6M", Version: "v3",
		Description: "Provides read only access to all buckets via the AWS Management Console.",
		Created:     date("2015-02-06T18:40:59Z"), Updated: date("2023-08-10T21:31:39Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`,
	},
	"arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess": {
		Name: "AmazonSQSReadOnlyAccess", Path: "/", ID: "ANPAIUGSSQY362XGCM6KW", Version: "v4",
		Description: "Provides read only access to Amazon SQS via the AWS Management Console.",
		Created:     date("2015-02-06T18:41:07Z"), Updated: date("2024-05-24T18:16:00Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Sid":"AmazonSQSReadOnlyAccess","Effect":"Allow","Action":["sqs:GetQueueAttributes","sqs:GetQueueUrl","sqs:ListDeadLetterSourceQueues","sqs:ListQueues","sqs:ListMessageMoveTasks","sqs:ListQueueTags"],"Resource":"*"}]}`,
	},
	"arn:aws:iam::aws:policy/AmazonSQSFullAccess": {
		Name: "AmazonSQSFullAccess", Path: "/", ID: "ANPAI65L554VRJ33ECQS6", Version: "v1",
		Description: "Provides full access to Amazon SQS via the AWS Management Console.",
		Created:     date("2015-02-06T18:41:07Z"), Updated: date("2015-02-06T18:41:07Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Action":["sqs:*"],"Effect":"Allow","Resource":"*"}]}`,
	},
	"arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole": {
		Name: "AWSLambdaDynamoDBExecutionRole", Path: "/service-role/", ID: "ANPAIP7WNAGMIPYNW4WQG", Version: "v1",
		Description: "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
		Created:     date("2015-04-09T15:09:29Z"), Updated: date("2015-04-09T15:09:29Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,
	},
}

type policyXML struct {
	PolicyName                    string `xml:"PolicyName"`
	PolicyID                      string `xml:"PolicyId"`
	Arn                           string `xml:"Arn"`
	Path                          string `xml:"Path"`
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int    `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int    `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool   `xml:"IsAttachable"`
	Description                   string `xml:"Description"`
	CreateDate                    string `xml:"CreateDate"`
	UpdateDate                    string `xml:"UpdateDate"`
}

type getPolicyResult struct {
	Policy policyXML `xml:"Policy"`
}

type policyVersionXML struct {
	Document         string `xml:"Document"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

type getPolicyVersionResult struct {
	PolicyVersion policyVersionXML `xml:"PolicyVersion"`
}

func (s *Service) getPolicy(p url.Values) (any, error) {
	arn := p.Get("PolicyArn")
	if arn == "" {
		return nil, missing("policyArn")
	}
	mp, ok := managedPolicies[arn]
	if !ok {
		return nil, errNoSuchPolicy(arn)
	}
	s.mu.RLock()
	count := 0
	for _, r := range s.roles {
		for _, a := range r.Attached {
			if a == arn {
				count++
			}
		}
	}
	s.mu.RUnlock()
	return getPolicyResult{Policy: policyXML{PolicyName: mp.Name, PolicyID: mp.ID, Arn: arn, Path: mp.Path,
		DefaultVersionID: mp.Version, AttachmentCount: count, IsAttachable: true, Description: mp.Description,
		CreateDate: isoTime(mp.Created), UpdateDate: isoTime(mp.Updated)}}, nil
}

func (s *Service) getPolicyVersion(p url.Values) (any, error) {
	arn := p.Get("PolicyArn")
	if arn == "" {
		return nil, missing("policyArn")
	}
	version := p.Get("VersionId")
	if version == "" {
		return nil, missing("versionId")
	}
	mp, ok := managedPolicies[arn]
	if !ok {
		return nil, errNoSuchPolicy(arn)
	}
	if version != mp.Version {
		return nil, &awsproto.Error{Code: "NoSuchEntity", Status: http.StatusNotFound,
			Message: "Policy " + arn + " version " + version + " does not exist or is not attachable."}
	}
	return getPolicyVersionResult{PolicyVersion: policyVersionXML{Document: encodeDocument(mp.Document),
		VersionID: mp.Version, IsDefaultVersion: true, CreateDate: isoTime(mp.Updated)}}, nil
}
