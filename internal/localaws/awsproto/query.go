package awsproto

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
)

// WriteQueryResult writes a query-protocol success response
// (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html):
//
//	<{action}Response xmlns="{xmlns}">
//	  <{action}Result>…result's fields…</{action}Result>
//	  <ResponseMetadata><RequestId>{requestID}</RequestId></ResponseMetadata>
//	</{action}Response>
//
// A nil result omits the Result element (as for SNS DeleteTopic).
func WriteQueryResult(w http.ResponseWriter, action, xmlns string, result any, requestID string) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	resp := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: xmlns}}}
	if err := enc.EncodeToken(resp); err != nil {
		return err
	}
	if result != nil {
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return err
		}
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return err
	}
	if err := enc.EncodeToken(resp.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", requestID)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteQueryError writes a query-protocol error response:
//
//	<ErrorResponse xmlns="{xmlns}">
//	  <Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>
//	  <RequestId>…</RequestId>
//	</ErrorResponse>
//
// Code is the error's LegacyCode (SQS's AWS.SimpleQueueService.* codes).
func WriteQueryError(w http.ResponseWriter, e *Error, xmlns, requestID string) {
	type errorBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	type errorResponse struct {
		XMLName   xml.Name  `xml:"ErrorResponse"`
		Xmlns     string    `xml:"xmlns,attr"`
		Error     errorBody `xml:"Error"`
		RequestID string    `xml:"RequestId"`
	}
	body, _ := xml.Marshal(errorResponse{Xmlns: xmlns, Error: errorBody{Type: e.FaultType(), Code: e.LegacyCode(), Message: e.Message}, RequestID: requestID})
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", requestID)
	w.WriteHeader(e.HTTPStatus())
	w.Write([]byte(xml.Header))
	w.Write(body)
}

// Members returns the values of a query-protocol list parameter serialised
// as prefix.member.1, prefix.member.2, … (stopping at the first gap).
func Members(params url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		k := prefix + ".member." + strconv.Itoa(i)
		if _, ok := params[k]; !ok {
			return out
		}
		out = append(out, params.Get(k))
	}
}

// Entries returns a query-protocol map parameter serialised as
// prefix.entry.N.key / prefix.entry.N.value (SNS and IAM attributes and tags).
func Entries(params url.Values, prefix string) map[string]string {
	out := map[string]string{}
	for i := 1; ; i++ {
		base := prefix + ".entry." + strconv.Itoa(i)
		if _, ok := params[base+".key"]; !ok {
			return out
		}
		out[params.Get(base+".key")] = params.Get(base + ".value")
	}
}

// Pairs returns a flattened query-protocol list of structures with two
// members, such as SQS's Attribute.N.Name / Attribute.N.Value or SNS's
// Tags.member.N.Key / Tags.member.N.Value: prefix.N.{keyName,valueName}.
func Pairs(params url.Values, prefix, keyName, valueName string) map[string]string {
	out := map[string]string{}
	for i := 1; ; i++ {
		base := prefix + "." + strconv.Itoa(i)
		if _, ok := params[base+"."+keyName]; !ok {
			return out
		}
		out[params.Get(base+"."+keyName)] = params.Get(base + "." + valueName)
	}
}
