package docsrc

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestReadLines(t *testing.T) {
	for _, tc := range []struct {
		name    string
		input   string
		maxLine int
		want    []string // "n: line"
		bad     []string
	}{
		{name: "lines", input: "{\"a\":1}\n\n  {\"b\":2}  \n[3]", want: []string{"1: {\"a\":1}", "3: {\"b\":2}", "4: [3]"}},
		{name: "crlf", input: "{\"a\":1}\r\n{\"b\":2}\r\n", want: []string{"1: {\"a\":1}", "2: {\"b\":2}"}},
		{name: "bad line in the middle", input: "{\"a\":1}\n{\"a\":\n{\"b\":2}\n",
			want: []string{"1: {\"a\":1}", "3: {\"b\":2}"}, bad: []string{`f:2: not a JSON document: "{\"a\":"`}},
		{name: "not JSON at all", input: "hello\n{}\n", want: []string{"2: {}"}, bad: []string{`f:1: not a JSON document: "hello"`}},
		{name: "long line", input: "{\"a\":\"" + strings.Repeat("x", 100) + "\"}\n{}\n", maxLine: 50,
			want: []string{"2: {}"}, bad: []string{"f:1: line longer than 50 bytes: skipped"}},
		{name: "indented document", input: "{\n  \"kind\": \"EventList\",\n  \"items\": []\n}\n",
			want: []string{"1: {\n  \"kind\": \"EventList\",\n  \"items\": []\n}\n"}},
		{name: "broken indented document", input: "{\n  \"kind\": \n",
			bad: []string{`f:1: not a JSON document per line, nor one JSON document: "{"`}},
		{name: "empty", input: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got, bad []string
			err := ReadLines(iotest.HalfReader(strings.NewReader(tc.input)), "f", tc.maxLine, func(line []byte, n int) {
				got = append(got, strconv.Itoa(n)+": "+string(line))
			}, func(err error) { bad = append(bad, err.Error()) })
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.bad, bad); diff != "" {
				t.Errorf("bad (-want +got):\n%s", diff)
			}
		})
	}
}

// A read error stops the reading, with the line it happened at.
func TestReadLinesReadError(t *testing.T) {
	r := iotest.TimeoutReader(strings.NewReader("{}\n{}\n"))
	err := ReadLines(iotest.OneByteReader(r), "f", 0, func([]byte, int) {}, func(error) {})
	if !errors.Is(err, iotest.ErrTimeout) || !strings.HasPrefix(err.Error(), "f:") {
		t.Errorf("error %v, want a timeout at f:line", err)
	}
}

func TestPointerPath(t *testing.T) {
	for _, tc := range []struct{ ptr, want string }{
		{"/stage", "stage"},
		{"/requestObject/spec/volumes", "requestObject.spec.volumes"},
		{"/items/0/name", "items.0.name"},
		{"/annotations/authorization.k8s.io~1decision", `annotations.authorization\.k8s\.io\/decision`},
		{"/a~0b/c*d", `a\~b.c\*d`},
	} {
		got, err := PointerPath(tc.ptr)
		if err != nil || got != tc.want {
			t.Errorf("PointerPath(%q) = %q, %v; want %q", tc.ptr, got, err, tc.want)
		}
	}
	if _, err := PointerPath(""); err == nil {
		t.Error("empty pointer accepted")
	}
}

// A line longer than the read buffer is read whole; one longer than the
// limit is skipped to its end, and the next line is read.
func TestReadLinesBeyondBuffer(t *testing.T) {
	long := `{"a":"` + strings.Repeat("x", 300<<10) + `"}`
	input := long + "\n" + long + long + "\n{}\n"
	var sizes []int
	var bad []string
	err := ReadLines(strings.NewReader(input), "f", len(long)+1, func(line []byte, n int) {
		sizes = append(sizes, len(line))
	}, func(err error) { bad = append(bad, err.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{len(long), 2}, sizes); diff != "" {
		t.Errorf("line sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"f:2: line longer than " + strconv.Itoa(len(long)+1) + " bytes: skipped"}, bad); diff != "" {
		t.Errorf("bad (-want +got):\n%s", diff)
	}
}
