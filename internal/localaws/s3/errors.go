package s3

import (
	"net/http"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Error constructors for S3's error codes, worded as S3 words them
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).

func errNoSuchBucket(bucket string) *awsproto.Error {
	return &awsproto.Error{Code: "NoSuchBucket", Status: http.StatusNotFound,
		Message: "The specified bucket does not exist", Fields: map[string]string{"BucketName": bucket}}
}

func errNoSuchKey(key string) *awsproto.Error {
	return &awsproto.Error{Code: "NoSuchKey", Status: http.StatusNotFound,
		Message: "The specified key does not exist.", Fields: map[string]string{"Key": key}}
}

func errNoSuchVersion(key, versionID string) *awsproto.Error {
	return &awsproto.Error{Code: "NoSuchVersion", Status: http.StatusNotFound,
		Message: "The specified version does not exist.", Fields: map[string]string{"Key": key, "VersionId": versionID}}
}

func errNoSuchUpload(uploadID string) *awsproto.Error {
	return &awsproto.Error{Code: "NoSuchUpload", Status: http.StatusNotFound,
		Message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
		Fields:  map[string]string{"UploadId": uploadID}}
}

func errInvalidArgument(name, value, format string, args ...any) *awsproto.Error {
	e := awsproto.Errorf(http.StatusBadRequest, "InvalidArgument", format, args...)
	if name != "" {
		e.Fields = map[string]string{"ArgumentName": name, "ArgumentValue": value}
	}
	return e
}

func errInvalidRequest(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "InvalidRequest", format, args...)
}

func errMalformedXML() *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "MalformedXML",
		"The XML you provided was not well-formed or did not validate against our published schema")
}

func errPreconditionFailed(condition string) *awsproto.Error {
	return &awsproto.Error{Code: "PreconditionFailed", Status: http.StatusPreconditionFailed,
		Message: "At least one of the pre-conditions you specified did not hold", Fields: map[string]string{"Condition": condition}}
}

func errMethodNotAllowed() *awsproto.Error {
	return awsproto.Errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
}

func errNotImplemented() *awsproto.Error {
	return awsproto.Errorf(http.StatusNotImplemented, "NotImplemented",
		"A header you provided implies functionality that is not implemented")
}

// errBadDigest is S3's answer to a flexible checksum that does not match the
// body, e.g. "BadDigest: The CRC32 you specified did not match the
// calculated checksum" (as reported in https://github.com/aws/aws-sdk-ruby/issues/3322).
func errBadDigest(what string) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "BadDigest", "The %s you specified did not match the calculated checksum.", what)
}

func errIncompleteBody() *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "IncompleteBody",
		"You did not provide the number of bytes specified by the Content-Length HTTP header")
}

func errEntityTooLarge(max int64) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "EntityTooLarge",
		"Your proposed upload exceeds the maximum allowed size (%d bytes)", max)
}
