package build

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"time"
)

// BootstrapName is the name Lambda's OS-only runtimes (provided.al2023)
// execute: the deployment package must hold an executable with this name at
// its root (https://docs.aws.amazon.com/lambda/latest/dg/golang-package.html).
const BootstrapName = "bootstrap"

// BootstrapMode is the Unix mode stored for bootstrap. Lambda runs the code
// as a user that owns none of it, so an executable needs read and execute
// permission for everyone: 755 ("permission denied" otherwise; AWS
// Knowledge Center, "lambda-deployment-package-errors").
const BootstrapMode fs.FileMode = 0o755

// zipTime is the modification time stored for bootstrap: 1980-01-01 00:00
// UTC, the earliest an MS-DOS timestamp can say, so the zip does not depend
// on when it was built.
var zipTime = time.Date(1980, time.January, 1, 0, 0, 0, 0, time.UTC)

// MS-DOS encoding of zipTime: date = (year-1980)<<9 | month<<5 | day, time 0.
const (
	zipTimeDate uint16 = 0<<9 | 1<<5 | 1
	zipTimeTime uint16 = 0
)

// zipBootstrap returns a zip holding bin as its single entry, bootstrap,
// with mode BootstrapMode, Deflate compression and the time zipTime. The
// result depends on bin only (and on the Deflate implementation of the Go
// release that compiled edasctl), so equal binaries give equal zips.
func zipBootstrap(bin []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(bin) / 2)
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: BootstrapName, Method: zip.Deflate}
	// The MS-DOS fields are set instead of Modified on purpose: archive/zip
	// turns a non-zero Modified into an extra "extended timestamp" field as
	// well, and the entry is meant to carry no extra fields at all.
	hdr.ModifiedDate = zipTimeDate //nolint:staticcheck // see above
	hdr.ModifiedTime = zipTimeTime //nolint:staticcheck // see above
	// SetMode records a Unix creator and the mode in the external
	// attributes; unzip on Lambda's side restores the exec bit from them.
	hdr.SetMode(BootstrapMode)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return nil, fmt.Errorf("zip handler: %w", err)
	}
	if _, err := w.Write(bin); err != nil {
		return nil, fmt.Errorf("zip handler: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("zip handler: %w", err)
	}
	return buf.Bytes(), nil
}
