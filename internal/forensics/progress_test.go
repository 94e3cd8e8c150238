package forensics

import (
	"bytes"
	"strings"
	"testing"
)

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
