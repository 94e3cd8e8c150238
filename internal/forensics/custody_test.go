package forensics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCustody writes a log of n events and returns its path.
func writeCustody(t *testing.T, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), CustodyFile)
	c, err := createCustody(p, "alice\tsmith")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		c.Record("step", "event %d with\ttab and\nnewline \"quoted\"", i)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCustodyChain(t *testing.T) {
	p := writeCustody(t, 4)
	entries, err := CheckCustody(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Fatalf("%d entries", len(entries))
	}
	e := entries[2]
	if e.Seq != 3 || e.Operator != "alice smith" || e.Event != "step" || e.Detail != "event 2 with\ttab and\nnewline \"quoted\"" {
		t.Errorf("entry 3: %+v", e)
	}
	if _, err := createCustody(p, "bob"); err == nil {
		t.Error("a second log over the first was created")
	}
}

func TestCustodyTamper(t *testing.T) {
	tests := []struct {
		name   string
		change func(lines []string) []string
		want   string
	}{
		{"edited detail", func(l []string) []string { l[1] = strings.Replace(l[1], "event 1", "event 9", 1); return l }, "line 3: chain broken"},
		{"removed line", func(l []string) []string { return append(l[:1], l[2:]...) }, "line 2: sequence number"},
		{"swapped lines", func(l []string) []string { l[1], l[2] = l[2], l[1]; return l }, "line 2: sequence number"},
		{"bad field count", func(l []string) []string { l[3] = "garbage"; return l }, "line 4: 1 fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeCustody(t, 4)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			lines := tt.change(strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"))
			if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = CheckCustody(p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}
