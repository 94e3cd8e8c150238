package incident

import (
	"slices"
	"strings"
	"time"
)

// base is the time test signals count from.
var base = time.Date(2026, 3, 24, 10, 0, 0, 0, time.UTC)

// testSignal makes a classified signal of source at base+at, with fields
// given as name=value pairs.
func testSignal(source, rule string, at time.Duration, tags []string, host string, kv ...string) Signal {
	s := Signal{Start: base.Add(at), End: base.Add(at), Source: source, Rule: rule, Priority: "Warning", Hostname: host, Tags: tags,
		Origin: rule + "@" + at.String()}
	for _, p := range kv {
		n, v, _ := strings.Cut(p, "=")
		s.Fields = append(s.Fields, Field{n, v})
	}
	slices.SortFunc(s.Fields, func(a, b Field) int { return strings.Compare(a.Name, b.Name) })
	classify(&s)
	return s
}

// miningTags are the tags of the cryptomining rules.
var miningTags = []string{"container", "cryptomining", "T1496"}
