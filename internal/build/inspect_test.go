package build

import (
	"archive/zip"
	"bytes"
	"debug/elf"
	"io/fs"
	"testing"
)

// zipEntry is one entry of a test zip.
type zipEntry struct {
	name string
	mode fs.FileMode
	body string
}

// makeZip returns a zip of entries, with Unix modes.
func makeZip(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		hdr := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		hdr.SetMode(e.mode)
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestInspect_rejects(t *testing.T) {
	script := "#!/bin/sh\necho hi\n"
	tests := []struct {
		name    string
		zip     []byte
		wantErr string
	}{
		{
			name:    "bytes that are not a zip",
			zip:     []byte("PK but not really"),
			wantErr: "read handler zip: zip: not a valid zip file",
		},
		{
			name:    "a zip without bootstrap",
			zip:     makeZip(t, zipEntry{"main", 0o755, script}, zipEntry{"sub/bootstrap", 0o755, script}),
			wantErr: "handler zip has no bootstrap entry at its root (it has 2 entries)",
		},
		{
			name:    "a zip with two bootstraps",
			zip:     makeZip(t, zipEntry{"bootstrap", 0o755, script}, zipEntry{"bootstrap", 0o755, script}),
			wantErr: "handler zip has more than one bootstrap entry",
		},
		{
			name:    "a bootstrap without the exec bit",
			zip:     makeZip(t, zipEntry{"bootstrap", 0o644, script}),
			wantErr: "handler zip's bootstrap is not executable by everyone (mode -rw-r--r--, want -rwxr-xr-x)",
		},
		{
			name:    "a bootstrap only its owner may run",
			zip:     makeZip(t, zipEntry{"bootstrap", 0o700, script}),
			wantErr: "handler zip's bootstrap is not executable by everyone (mode -rwx------, want -rwxr-xr-x)",
		},
		{
			name:    "a bootstrap that is a symbolic link",
			zip:     makeZip(t, zipEntry{"bootstrap", fs.ModeSymlink | 0o777, "/bin/true"}),
			wantErr: "handler zip's bootstrap is not a regular file (mode Lrwxrwxrwx)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(tt.zip)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Inspect = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestInspect_acceptsAnExecutableBootstrapThatIsNotELF(t *testing.T) {
	data := makeZip(t, zipEntry{"bootstrap", 0o755, "#!/bin/sh\n"}, zipEntry{"config.json", 0o644, "{}"})

	info, err := Inspect(data)

	if err != nil {
		t.Fatal(err)
	}
	want := Info{Entries: 2, Bootstrap: true, Mode: 0o755, Size: 10}
	if info != want {
		t.Errorf("Inspect = %+v, want %+v", info, want)
	}
}

func TestInfo_CheckArch(t *testing.T) {
	arm := Info{Bootstrap: true, ELF: true, Machine: elf.EM_AARCH64, GOARCH: "arm64", Static: true}
	tests := []struct {
		name    string
		info    Info
		arch    string
		wantErr string
	}{
		{name: "accepts an arm64 ELF for arm64", info: arm, arch: ArchARM64},
		{name: "accepts an arm64 ELF for the default", info: arm, arch: ""},
		{name: "rejects an arm64 ELF for x86_64", info: arm, arch: ArchX86_64,
			wantErr: "handler zip's bootstrap is built for arm64, not amd64 (x86_64)"},
		{name: "rejects a binary that is not ELF", info: Info{Bootstrap: true}, arch: ArchARM64,
			wantErr: "handler zip's bootstrap is not a Linux executable (not ELF)"},
		{name: "names a machine without a GOARCH", info: Info{Bootstrap: true, ELF: true, Machine: elf.EM_SPARCV9}, arch: ArchARM64,
			wantErr: "handler zip's bootstrap is built for EM_SPARCV9, not arm64"},
		{name: "rejects an unknown architecture", info: arm, arch: "riscv",
			wantErr: `unsupported handler architecture "riscv" (want arm64, x86_64 or host)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.info.CheckArch(tt.arch)
			if got := errString(err); got != tt.wantErr {
				t.Errorf("CheckArch = %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
