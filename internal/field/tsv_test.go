package field

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// tsvField is one field row of the shared falco_fields.tsv.
type tsvField struct {
	line   int
	name   string
	typ    string // as written: CHARBUF, string (list), LIST(CHARBUF) ...
	class  string // as written: process, container plugin (source: syscall) ...
	note   string
	source string // derived from class
}

// tsvFlags is one row of the TSV's appendix: a libsinsp field's EPF_* flags.
type tsvFlags struct {
	line  int
	name  string
	typ   string // PT_CHARBUF ...
	flags map[string]bool
}

// tsvData is the whole of falco_fields.tsv.
type tsvData struct {
	fields   []tsvField
	appendix map[string]tsvFlags
}

var sourceInClass = regexp.MustCompile(`\(source: ([a-z0-9_]+)\)`)

// readTSV reads the shared field reference in place.
func readTSV(t *testing.T) tsvData {
	t.Helper()
	f, err := os.Open(testenv.Shared(t, "reference/falco_fields.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := tsvData{appendix: map[string]tsvFlags{}}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		switch {
		case len(cols) == 3 && strings.HasPrefix(cols[2], "EPF_"):
			flags := map[string]bool{}
			for _, fl := range strings.Split(cols[2], "|") {
				flags[fl] = true
			}
			d.appendix[cols[0]] = tsvFlags{n, cols[0], cols[1], flags}
		case len(cols) == 4:
			src := SourceSyscall
			if m := sourceInClass.FindStringSubmatch(cols[2]); m != nil {
				src = m[1]
			}
			d.fields = append(d.fields, tsvField{n, cols[0], cols[1], cols[2], cols[3], src})
		default:
			t.Fatalf("falco_fields.tsv:%d: %d columns: %q", n, len(cols), line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(d.fields) < 500 || len(d.appendix) < 50 {
		t.Fatalf("falco_fields.tsv: only %d fields and %d flag rows", len(d.fields), len(d.appendix))
	}
	return d
}

// tsvType maps a TSV type name to a param type and list-ness: CHARBUF and
// string are PTCharbuf, "string (list)" and LIST(CHARBUF) are PTCharbuf
// lists, PT_* names are libs' own, DYNAMIC is PTDyn.
func tsvType(t *testing.T, s string) (event.ParamType, bool) {
	t.Helper()
	name, list := strings.ToUpper(strings.TrimPrefix(s, "PT_")), false
	if strings.HasSuffix(name, " (LIST)") {
		name, list = strings.TrimSuffix(name, " (LIST)"), true
	}
	if strings.HasPrefix(name, "LIST(") && strings.HasSuffix(name, ")") {
		name, list = name[len("LIST("):len(name)-1], true
	}
	switch name {
	case "STRING":
		name = "CHARBUF"
	case "DYNAMIC":
		name = "DYN"
	}
	for pt := event.ParamType(0); pt.String() != "UNKNOWN"; pt++ {
		if pt.String() == name {
			return pt, list
		}
	}
	t.Fatalf("unknown TSV type %q", s)
	return 0, false
}

// tsvClass maps a TSV class column to the class of our tables.
func tsvClass(s string) string {
	s = strings.TrimSuffix(s, " (0.40)")
	switch {
	case strings.HasPrefix(s, "container"):
		return ClassContainer
	case strings.HasPrefix(s, "k8smeta"):
		return ClassK8sMeta
	case strings.HasPrefix(s, "k8saudit"):
		return ClassK8sAudit
	case strings.HasPrefix(s, "cloudtrail"):
		return ClassCloudTrail
	}
	return s
}

// tsvArg is the argument rule a plugin field's note announces with its
// "[arg: Index, Key, Required]" prefix.
func tsvArg(note string) ArgRule {
	if !strings.HasPrefix(note, "[arg: ") {
		return ArgNone
	}
	spec, _, _ := strings.Cut(note, "]")
	if strings.Contains(spec, "Required") {
		return ArgRequired
	}
	return ArgOptional
}
