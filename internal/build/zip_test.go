package build

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

func TestZipBootstrap_dependsOnTheBinaryOnly(t *testing.T) {
	bin := bytes.Repeat([]byte("\x7fELF not really "), 1000)

	a, err := zipBootstrap(bin)
	if err != nil {
		t.Fatal(err)
	}
	b, err := zipBootstrap(append([]byte(nil), bin...))
	if err != nil {
		t.Fatal(err)
	}

	if !bytes.Equal(a, b) {
		t.Fatal("zipping the same binary twice gave different bytes")
	}
	assertLambdaZip(t, a)
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, bin) {
		t.Errorf("bootstrap does not round-trip (err %v)", err)
	}
	if len(a) >= len(bin) {
		t.Errorf("zip is %d bytes for a %d-byte repetitive binary: not compressed", len(a), len(bin))
	}
}
