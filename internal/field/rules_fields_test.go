package field

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// A field as rules write it: a dotted name, maybe a bracketed argument.
const fieldPattern = `([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+)(\[[^\]\s]*\])?`

var (
	// condField finds a field where a condition compares it: at the start
	// of a line, after a blank or a parenthesis, and followed by an
	// operator. List items and right-hand values are not followed by one.
	condField = regexp.MustCompile(`(?m)(?:^|[\s(])` + fieldPattern +
		`(?:\s*(?:=|!=|<|>)|\s+(?:in|intersects|pmatch|contains|icontains|bcontains|startswith|bstartswith|endswith|glob|iglob|regex|exists)\b|\s*(?:in|intersects|pmatch)\s*\()`)
	// outField finds a field in an output format: %name or %name[arg].
	outField = regexp.MustCompile(`%` + fieldPattern)
	// sourceKey finds the source a rule names.
	sourceKey = regexp.MustCompile(`(?m)^\s*source:\s*([a-z0-9_]+)\s*$`)
)

// ruleFieldUse is one field used by an upstream rule file.
type ruleFieldUse struct {
	name    string // as written, without the bracketed argument
	bracket bool   // written name[arg]
	output  bool   // in an output format rather than a condition
}

// rulesFieldUses extracts the fields one rule file uses, and its source,
// with the regexps above over the file without its comment lines.
func rulesFieldUses(t *testing.T, path string) (string, []ruleFieldUse) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var text strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !strings.HasPrefix(strings.TrimSpace(sc.Text()), "#") {
			text.WriteString(sc.Text())
			text.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	src := SourceSyscall
	sources := map[string]bool{}
	for _, m := range sourceKey.FindAllStringSubmatch(text.String(), -1) {
		sources[m[1]] = true
		src = m[1]
	}
	if len(sources) > 1 {
		t.Fatalf("%s: rules of several sources %v", path, sources)
	}
	var uses []ruleFieldUse
	for _, m := range condField.FindAllStringSubmatch(text.String(), -1) {
		uses = append(uses, ruleFieldUse{m[1], m[2] != "", false})
	}
	for _, m := range outField.FindAllStringSubmatch(text.String(), -1) {
		uses = append(uses, ruleFieldUse{m[1], m[2] != "", true})
	}
	return src, uses
}

// TestUpstreamRulesFieldsResolve checks that every field the upstream rule
// files use in a condition or an output is in the catalog for the file's
// source, with an argument the field accepts, and in a place the field may
// be used (no filter-only field in an output, no print-only or table-only
// field in a condition).
func TestUpstreamRulesFieldsResolve(t *testing.T) {
	c := Default()
	files, err := filepath.Glob(filepath.Join(testenv.Shared(t, "upstream-rules"), "*.yaml"))
	if err != nil || len(files) < 5 {
		testenv.Missing(t, "upstream rule files: %v (%d found)", err, len(files))
	}
	perFile := map[string]map[string]bool{}
	for _, path := range files {
		base := filepath.Base(path)
		src, uses := rulesFieldUses(t, path)
		names := map[string]bool{}
		for _, u := range uses {
			names[u.name] = true
			f, arg, ok := c.Lookup(src, u.name)
			switch {
			case !ok:
				t.Errorf("%s: field %s (source %s) is not in the catalog", base, u.name, src)
			case u.bracket && (f.Arg == ArgNone || arg.Dotted):
				t.Errorf("%s: %s[...] but %s takes no bracketed argument", base, u.name, f.Name)
			case !u.bracket && !arg.Present() && f.Arg == ArgRequired:
				t.Errorf("%s: %s used without the argument it requires", base, u.name)
			case u.output && f.Flags&FilterOnly != 0:
				t.Errorf("%s: filter-only %s in an output", base, u.name)
			case !u.output && f.Flags&(PrintOnly|TableOnly) != 0:
				t.Errorf("%s: %s cannot be used in a condition", base, u.name)
			}
		}
		if len(names) < 10 {
			t.Errorf("%s: only %d fields found; the extraction is broken", base, len(names))
		}
		perFile[base] = names
		t.Logf("%s (%s): %d distinct fields", base, src, len(names))
	}

	// The regexps find at least what the reference's grammar-faithful
	// extraction found in the stable rules (and in the other two syscall
	// files, where it lists what they add).
	for file, want := range stableReference(t) {
		var missed []string
		for name := range want {
			if !perFile[file][name] {
				missed = append(missed, name)
			}
		}
		sort.Strings(missed)
		if len(missed) > 0 {
			t.Errorf("%s: the extraction missed %v, which stable_rules_fields.txt lists", file, missed)
		}
	}
}

// stableReference reads stable_rules_fields.txt: the field names of the
// stable rules (the union of conditions and outputs, arguments dropped),
// and those that the incubating and sandbox rules add, keyed by file.
func stableReference(t *testing.T) map[string]map[string]bool {
	t.Helper()
	data, err := os.ReadFile(testenv.Shared(t, "reference/stable_rules_fields.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{"falco_rules.yaml": {}}
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "["):
			section = line
		case strings.Contains(line, " fields not in stable: "):
			file, list, _ := strings.Cut(line, " fields not in stable: ")
			out[file] = map[string]bool{}
			for _, name := range strings.Fields(list) {
				out[file][name] = true
			}
		case strings.HasPrefix(section, "[union:") && line != "" && !strings.HasPrefix(line, "#"):
			out["falco_rules.yaml"][line] = true
		}
	}
	if len(out["falco_rules.yaml"]) < 50 || len(out) != 3 {
		t.Fatalf("stable_rules_fields.txt: unexpected layout (%d stable fields, %d files)", len(out["falco_rules.yaml"]), len(out))
	}
	return out
}

// TestStableRulesFieldsResolve looks up every field name and argument form
// of stable_rules_fields.txt, as written there.
func TestStableRulesFieldsResolve(t *testing.T) {
	c := Default()
	data, err := os.ReadFile(testenv.Shared(t, "reference/stable_rules_fields.txt"))
	if err != nil {
		t.Fatal(err)
	}
	section, n := "", 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "[") {
			section = line
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(section, "[evt.type values") || strings.HasPrefix(section, "[operators") {
			continue
		}
		name, _, _ := strings.Cut(line, "\t")
		bare, _, bracket := strings.Cut(name, "[")
		f, arg, ok := c.Lookup(SourceSyscall, bare)
		switch {
		case !ok:
			t.Errorf("%s %s: not in the catalog", section, name)
		case bracket && f.Arg == ArgNone:
			t.Errorf("%s %s: %s takes no argument", section, name, f.Name)
		case arg.Dotted && f.Flags&DotArg == 0:
			t.Errorf("%s %s: dotted argument on %s", section, name, f.Name)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("only %d names read from stable_rules_fields.txt", n)
	}
}
