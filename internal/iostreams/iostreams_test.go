package iostreams

import "testing"

func TestTestStreamsAreNotTerminals(t *testing.T) {
	s, _, out, errOut := Test()
	if s.IsStdoutTTY() || s.IsStderrTTY() || s.ColorEnabled() {
		t.Fatalf("test streams must not be terminals or coloured")
	}
	if _, err := s.Out.Write([]byte("data")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ErrOut.Write([]byte("progress")); err != nil {
		t.Fatal(err)
	}
	if out.String() != "data" || errOut.String() != "progress" {
		t.Fatalf("stdout=%q stderr=%q, want data and progress kept apart", out, errOut)
	}
}

func TestSetTTYOverridesDetection(t *testing.T) {
	s, _, _, _ := Test()
	s.SetTTY(true, false)
	if !s.IsStdoutTTY() || s.IsStderrTTY() {
		t.Fatalf("SetTTY(true,false) gave stdout=%v stderr=%v", s.IsStdoutTTY(), s.IsStderrTTY())
	}
}
