package syntax

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"peregrine/internal/testenv"
)

// The upstream rule files, grouped as Falco loads them: the three syscall
// files together (they share lists), the plugin files alone.
var upstreamGroups = [][]string{
	{"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"},
	{"k8s_audit_rules.yaml"},
	{"aws_cloudtrail_rules.yaml"},
}

// ruleItem holds the keys of a rule-file item that this test needs.
type ruleItem struct {
	List      string   `yaml:"list"`
	Items     []string `yaml:"items"`
	Macro     string   `yaml:"macro"`
	Rule      string   `yaml:"rule"`
	Condition string   `yaml:"condition"`
	Output    string   `yaml:"output"`
}

// upstreamCond is one macro or rule condition, before and after list
// substitution.
type upstreamCond struct {
	where string // file and item name
	raw   string
	subst string
}

type upstreamOutput struct {
	where  string
	output string
}

// loadUpstream reads every macro and rule condition and every rule output
// of the upstream files.
func loadUpstream(t testing.TB) ([]upstreamCond, []upstreamOutput) {
	t.Helper()
	var conds []upstreamCond
	var outputs []upstreamOutput
	for _, group := range upstreamGroups {
		var lists []ruleItem
		var items []ruleItem
		var files []string
		for _, name := range group {
			data, err := os.ReadFile(testenv.Shared(t, "upstream-rules/"+name))
			if err != nil {
				t.Fatal(err)
			}
			var doc []ruleItem
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, it := range doc {
				if it.List != "" {
					lists = append(lists, expandList(it, lists))
				}
				items = append(items, it)
				files = append(files, name)
			}
		}
		for i, it := range items {
			name := it.Macro + it.Rule
			if it.Condition == "" || name == "" {
				continue
			}
			where := files[i] + ": " + name
			conds = append(conds, upstreamCond{where: where, raw: it.Condition, subst: substituteLists(it.Condition, lists)})
			if it.Rule != "" && it.Output != "" {
				outputs = append(outputs, upstreamOutput{where: where, output: it.Output})
			}
		}
	}
	return conds, outputs
}

// expandList replaces the items of l that name an earlier list by that
// list's items, as Falco does.
func expandList(l ruleItem, earlier []ruleItem) ruleItem {
	var items []string
	for _, it := range l.Items {
		found := false
		for _, e := range earlier {
			if e.List == it {
				items = append(items, e.Items...)
				found = true
				break
			}
		}
		if !found {
			items = append(items, it)
		}
	}
	l.Items = items
	return l
}

// substituteLists writes list items into a condition in place of the list
// names, as Falco's loader does before parsing: a name counts where blanks,
// parentheses, commas, '=' or the text's ends surround it; items holding a
// space are double-quoted; an empty list takes an adjacent comma with it.
// Test-only: the rule loader has its own.
func substituteLists(cond string, lists []ruleItem) string {
	const blanks = " \t\n\r"
	const delims = blanks + "(),="
	for _, l := range lists {
		var sub []string
		for _, it := range l.Items {
			if strings.Contains(it, " ") && it[0] != '"' && it[0] != '\'' {
				it = `"` + it + `"`
			}
			sub = append(sub, it)
		}
		repl := strings.Join(sub, ", ")
		for from := 0; ; {
			i := strings.Index(cond[from:], l.List)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(l.List)
			if (start > 0 && !strings.ContainsRune(delims, rune(cond[start-1]))) ||
				(end < len(cond) && !strings.ContainsRune(delims, rune(cond[end]))) {
				from = start + 1
				continue
			}
			for start > 0 && strings.ContainsRune(blanks, rune(cond[start-1])) {
				start--
			}
			for end < len(cond) && strings.ContainsRune(blanks, rune(cond[end])) {
				end++
			}
			if repl == "" {
				if start > 0 && cond[start-1] == ',' {
					start--
				} else if end < len(cond) && cond[end] == ',' {
					end++
				}
			}
			cond = cond[:start] + " " + repl + " " + cond[end:]
			from = start + len(repl) + 1
		}
	}
	return cond
}

func TestUpstreamConditions(t *testing.T) {
	conds, _ := loadUpstream(t)
	// 397 macros and 163 rules (falco-compat.md §3)
	if len(conds) != 560 {
		t.Fatalf("found %d conditions in the upstream files, want 560", len(conds))
	}
	parsed, substituted := 0, 0
	for _, c := range conds {
		if c.subst != c.raw {
			substituted++
		}
		for _, src := range []string{c.raw, c.subst} {
			e, err := Parse(src, MaxDepth(1000))
			if err != nil {
				t.Errorf("%s: %v\n%s", c.where, err, src)
				continue
			}
			checkRoundTrip(t, e)
		}
		parsed++
	}
	if substituted < 90 {
		t.Errorf("only %d conditions name a list; the substitution is broken", substituted)
	}
	t.Logf("%d macro and rule conditions parse, with and without list substitution (%d name lists)",
		parsed, substituted)
}

func TestUpstreamOutputs(t *testing.T) {
	_, outputs := loadUpstream(t)
	if len(outputs) != 163 {
		t.Fatalf("found %d rule outputs, want 163", len(outputs))
	}
	tokens := 0
	for _, o := range outputs {
		// Falco prefixes the time and the priority and always formats
		// leniently.
		f, err := ParseFormat("*%evt.time: Warning " + o.output)
		if err != nil {
			t.Errorf("%s: %v\n%s", o.where, err, o.output)
			continue
		}
		for _, p := range f.Parts {
			if p.Operand != nil {
				tokens++
			}
		}
		again, err := ParseFormat(f.String())
		if err != nil {
			t.Errorf("%s: reparse: %v", o.where, err)
		} else if d := cmp.Diff(f, again, ignorePos); d != "" {
			t.Errorf("%s: reparse differs:\n%s", o.where, d)
		}
	}
	t.Logf("%d rule outputs parse, %d %% tokens", len(outputs), tokens)
}

// TestSubstituteLists checks the test's own list substitution, on which
// TestUpstreamConditions relies.
func TestSubstituteLists(t *testing.T) {
	lists := []ruleItem{
		{List: "shells", Items: []string{"bash", "sh"}},
		{List: "empty"},
		{List: "spaced", Items: []string{"a b", `"c d"`}},
	}
	cases := []struct{ in, want string }{
		{"proc.name in (shells)", "proc.name in ( bash, sh )"},
		{"proc.name in (shells, zsh)", "proc.name in ( bash, sh , zsh)"},
		{"proc.name in (zsh, empty)", "proc.name in (zsh  )"},
		{"proc.name in (empty, zsh)", "proc.name in (   zsh)"},
		{"proc.name in (spaced)", `proc.name in ( "a b", "c d" )`},
		{"proc.name in (my_shells)", "proc.name in (my_shells)"},
		{"proc.name=shells", "proc.name= bash, sh "},
	}
	for _, c := range cases {
		if got := substituteLists(c.in, lists); got != c.want {
			t.Errorf("substituteLists(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func BenchmarkParseUpstream(b *testing.B) {
	conds, _ := loadUpstream(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, c := range conds {
			if _, err := Parse(c.subst, MaxDepth(1000)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(conds)), "ns/condition")
}
