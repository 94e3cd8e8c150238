package forensics

import (
	"bytes"
	"strings"
	"testing"
)

func TestHumanBytes(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{5 << 20, "5.0 MiB"}, {3 << 30, "3.0 GiB"}, {2 << 40, "2.0 TiB"}, {1 << 62, "4096.0 PiB"},
	} {
		if got := HumanBytes(tt.n); got != tt.want {
			t.Errorf("HumanBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestProgressCounts(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, "export web")
	for i := 0; i < 3; i++ {
		if n, err := p.Write(make([]byte, 1<<20)); n != 1<<20 || err != nil {
			t.Fatalf("write: %d %v", n, err)
		}
	}
	p.Done()
	s := out.String()
	if !strings.HasPrefix(s, "\rexport web") || !strings.Contains(s, "3.0 MiB") || !strings.HasSuffix(s, "\n") {
		t.Errorf("progress %q", s)
	}
}
