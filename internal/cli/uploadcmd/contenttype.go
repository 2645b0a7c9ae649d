package uploadcmd

import (
	"mime"
	"net/http"
	"path"
)

// sniffLen is how much of the content http.DetectContentType considers.
const sniffLen = 512

// contentType is the Content-Type of an object named name whose content
// starts with head: the type registered for the name's extension
// (mime.TypeByExtension), else the type sniffed from head
// (http.DetectContentType, which never returns "").
func contentType(name string, head []byte) string {
	if ext := path.Ext(name); ext != "" {
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
	}
	return http.DetectContentType(head)
}
