package scap

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// typeCount keys the histogram scapwalk.py prints: event type and stored
// parameter count (-1 where the file has v1 events, which carry none).
type typeCount struct {
	Type    int
	NParams int
}

var walkLine = regexp.MustCompile(`^\s*(\d+) x type (\d+) \S+ nparams=(\S+)$`)

// scapwalk runs tools/scapwalk.py -v on path and returns its per-type
// histogram.
func scapwalk(t *testing.T, path string) map[typeCount]int {
	t.Helper()
	py := testenv.Tool(t, "python3")
	tool := testenv.Shared(t, "tools/scapwalk.py")
	out, err := exec.Command(py, tool, path, "-v").CombinedOutput()
	if err != nil {
		t.Fatalf("scapwalk %s: %v\n%s", filepath.Base(path), err, out)
	}
	h := map[typeCount]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := walkLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		typ, _ := strconv.Atoi(m[2])
		np := -1
		if m[3] != "None" {
			np, _ = strconv.Atoi(m[3])
		}
		h[typeCount{typ, np}] += n
	}
	return h
}

// Our per-type histogram of delivered events must match scapwalk's count
// of event blocks per type (no capture has types beyond our table).
func TestEventTypesMatchScapwalk(t *testing.T) {
	for _, tc := range captureTable {
		t.Run(tc.file, func(t *testing.T) {
			path := testenv.Shared(t, "captures/"+tc.file)
			want := scapwalk(t, path)
			r := openShared(t, tc.file)
			v1 := r.pend.info.ver == 1
			got := map[typeCount]int{}
			var e event.Event
			for r.Next(&e) == nil {
				k := typeCount{int(e.Type()), e.StoredParams()}
				if v1 {
					k.NParams = -1
				}
				got[k]++
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("histogram (-scapwalk +reader):\n%s", diff)
			}
			if len(got) == 0 {
				t.Error(fmt.Sprint("no events in ", tc.file))
			}
		})
	}
}
