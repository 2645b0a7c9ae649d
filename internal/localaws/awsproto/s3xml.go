package awsproto

import (
	"encoding/xml"
	"net/http"
	"sort"
)

// WriteS3Error writes a REST-XML error as S3 sends it
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html):
//
//	<Error><Code>NoSuchKey</Code><Message>…</Message><Key>…</Key><RequestId>…</RequestId><HostId>…</HostId></Error>
//
// A HEAD request gets the status and headers only, as S3 does.
func WriteS3Error(w http.ResponseWriter, r *http.Request, e *Error, requestID string) {
	w.Header().Set("x-amz-request-id", requestID)
	w.Header().Set("x-amz-id-2", requestID)
	if r.Method == http.MethodHead {
		w.WriteHeader(e.HTTPStatus())
		return
	}
	type field struct {
		XMLName xml.Name
		Value   string `xml:",chardata"`
	}
	fields := []field{{XMLName: xml.Name{Local: "Code"}, Value: e.Code}, {XMLName: xml.Name{Local: "Message"}, Value: e.Message}}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fields = append(fields, field{XMLName: xml.Name{Local: k}, Value: e.Fields[k]})
	}
	fields = append(fields, field{XMLName: xml.Name{Local: "RequestId"}, Value: requestID}, field{XMLName: xml.Name{Local: "HostId"}, Value: requestID})
	body, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"Error"`
		Fields  []field
	}{Fields: fields})
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.HTTPStatus())
	w.Write([]byte(xml.Header))
	w.Write(body)
}
