package build

import (
	"archive/zip"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// maxBootstrapSize is Lambda's quota on a function's unzipped deployment
// package, 250 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
// Inspect reads no more than this, whatever the zip claims.
const maxBootstrapSize = 250 << 20

// Info describes a deployment package as Inspect found it. Fields after
// Bootstrap are zero when there is no single bootstrap entry.
type Info struct {
	// Entries is the number of entries in the zip.
	Entries int
	// Bootstrap reports that exactly one entry is named bootstrap (at the
	// root, as Lambda's OS-only runtimes require).
	Bootstrap bool
	// Mode is bootstrap's mode as the zip stores it. An entry written
	// without a Unix mode (a zip made on Windows) reads as 0666 and so fails
	// Inspect's executable check, as it would fail on Lambda.
	Mode fs.FileMode
	// Size is bootstrap's uncompressed size in bytes.
	Size uint64
	// ELF reports that bootstrap is an ELF file (a Linux executable). A
	// host build on macOS or Windows is not.
	ELF bool
	// Machine is the ELF machine, e.g. elf.EM_AARCH64 or elf.EM_X86_64.
	Machine elf.Machine
	// GOARCH is Go's name for Machine ("arm64", "amd64", …), or "" for a
	// machine this package does not name.
	GOARCH string
	// Static reports an ELF that needs no dynamic loader and no shared
	// library: no PT_INTERP program header and no DT_NEEDED entry.
	Static bool
}

// Inspect reads the deployment package zip and describes its bootstrap.
// It returns an error, with the Info found so far, when zip is not a zip,
// has no entry named bootstrap or more than one, or when bootstrap is not a
// regular file that everyone may read and execute (mode 0555 at least;
// Lambda runs it as a user that does not own it), is larger than Lambda's
// 250 MB unzipped quota, or fails its checksum. Each error is one line,
// fit to show as is. A bootstrap that is not ELF, or not static, is
// reported in Info but is not an error.
func Inspect(zipData []byte) (Info, error) {
	var info Info
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		return info, fmt.Errorf("read handler zip: %w", err)
	}
	info.Entries = len(zr.File)
	var boot *zip.File
	for _, f := range zr.File {
		if f.Name != BootstrapName {
			continue
		}
		if boot != nil {
			return info, errors.New("handler zip has more than one bootstrap entry")
		}
		boot = f
	}
	if boot == nil {
		return info, fmt.Errorf("handler zip has no %s entry at its root (it has %d entries)", BootstrapName, info.Entries)
	}
	info.Bootstrap = true
	info.Mode = boot.Mode()
	info.Size = boot.UncompressedSize64
	switch {
	case !info.Mode.IsRegular():
		return info, fmt.Errorf("handler zip's %s is not a regular file (mode %v)", BootstrapName, info.Mode)
	case info.Mode.Perm()&0o555 != 0o555:
		return info, fmt.Errorf("handler zip's %s is not executable by everyone (mode %v, want %v)", BootstrapName, info.Mode, BootstrapMode)
	case info.Size > maxBootstrapSize:
		return info, fmt.Errorf("handler zip's %s is %d bytes unzipped, over Lambda's 250 MB quota", BootstrapName, info.Size)
	}
	bin, err := readEntry(boot)
	if err != nil {
		return info, err
	}
	describeELF(&info, bin)
	return info, nil
}

// readEntry returns the contents of f, refusing more than maxBootstrapSize
// bytes even if the header understates the size.
func readEntry(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("read handler zip's %s: %w", f.Name, err)
	}
	defer rc.Close()
	bin, err := io.ReadAll(io.LimitReader(rc, maxBootstrapSize+1))
	if err != nil {
		return nil, fmt.Errorf("read handler zip's %s: %w", f.Name, err)
	}
	if len(bin) > maxBootstrapSize {
		return nil, fmt.Errorf("handler zip's %s is over Lambda's 250 MB unzipped quota", f.Name)
	}
	return bin, nil
}

// describeELF fills the ELF fields of info from bin, leaving them zero when
// bin is not ELF.
func describeELF(info *Info, bin []byte) {
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return
	}
	defer f.Close()
	info.ELF = true
	info.Machine = f.Machine
	info.GOARCH = elfGOARCH(f)
	interp := false
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			interp = true
		}
	}
	libs, err := f.ImportedLibraries()
	info.Static = !interp && err == nil && len(libs) == 0
}

// elfGOARCH returns Go's architecture name for the machine of f.
func elfGOARCH(f *elf.File) string {
	little := f.ByteOrder == binary.LittleEndian
	switch f.Machine {
	case elf.EM_AARCH64:
		return "arm64"
	case elf.EM_X86_64:
		return "amd64"
	case elf.EM_386:
		return "386"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_RISCV:
		if f.Class == elf.ELFCLASS64 {
			return "riscv64"
		}
	case elf.EM_PPC64:
		if little {
			return "ppc64le"
		}
		return "ppc64"
	case elf.EM_S390:
		return "s390x"
	case elf.EM_LOONGARCH:
		return "loong64"
	}
	return ""
}

// CheckArch returns an error, one line, when the bootstrap described by
// info cannot run on the target that Options.Arch arch builds for: for a
// Linux target it must be an ELF for that architecture. Other targets
// (ArchHost on macOS or Windows) are not checked.
func (info Info) CheckArch(arch string) error {
	goos, goarch, err := Target(arch)
	if err != nil {
		return err
	}
	if goos != "linux" {
		return nil
	}
	if !info.ELF {
		return fmt.Errorf("handler zip's %s is not a Linux executable (not ELF)", BootstrapName)
	}
	if info.GOARCH != goarch {
		name := info.GOARCH
		if name == "" {
			name = info.Machine.String()
		}
		want := goarch
		if la := lambdaArch(goarch); la != goarch {
			want += " (" + la + ")"
		}
		return fmt.Errorf("handler zip's %s is built for %s, not %s", BootstrapName, name, want)
	}
	return nil
}

// lambdaArch returns Lambda's name for goarch, for messages.
func lambdaArch(goarch string) string {
	if goarch == "amd64" {
		return ArchX86_64
	}
	return goarch
}
