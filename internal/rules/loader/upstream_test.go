package loader

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/rules"
	"peregrine/internal/rules/syntax"
	"peregrine/internal/testenv"
)

// upstreamFiles are the rule files of ../shared/upstream-rules.
var upstreamFiles = []string{
	"falco_rules.yaml",
	"falco-incubating_rules.yaml",
	"falco-sandbox_rules.yaml",
	"k8s_audit_rules.yaml",
	"aws_cloudtrail_rules.yaml",
}

func upstreamPath(t testing.TB, name string) string {
	return testenv.Shared(t, "upstream-rules/"+name)
}

// TestUpstreamFiles loads each upstream file alone: no diagnostic at all,
// and the counts of the reference (falco-compat.md §3).
func TestUpstreamFiles(t *testing.T) {
	tests := []struct {
		file                  string
		lists, macros, rules  int
		disabled              int
		engine                rules.Version
		plugins               []string
		source                string
		priorities            map[alert.Priority]int
		alternativesOfFirstPl int
	}{
		{"falco_rules.yaml", 49, 87, 25, 0, rules.Version{Major: 0, Minor: 57, Patch: 0}, []string{"container"}, "syscall",
			map[alert.Priority]int{alert.PriorityWarning: 14, alert.PriorityNotice: 7, alert.PriorityCritical: 3, alert.PriorityInformational: 1}, 0},
		{"falco-incubating_rules.yaml", 54, 82, 31, 0, rules.Version{Major: 0, Minor: 57, Patch: 0}, []string{"container"}, "syscall",
			map[alert.Priority]int{alert.PriorityNotice: 19, alert.PriorityWarning: 7, alert.PriorityError: 3, alert.PriorityInformational: 2}, 0},
		{"falco-sandbox_rules.yaml", 60, 183, 37, 12, rules.Version{Major: 0, Minor: 57, Patch: 0}, []string{"container"}, "syscall",
			map[alert.Priority]int{alert.PriorityCritical: 10, alert.PriorityError: 9, alert.PriorityWarning: 8, alert.PriorityNotice: 7, alert.PriorityInformational: 3}, 0},
		{"k8s_audit_rules.yaml", 18, 45, 48, 0, rules.Version{Major: 0, Minor: 15, Patch: 0}, []string{"k8saudit", "json"}, "k8s_audit",
			map[alert.Priority]int{alert.PriorityWarning: 21, alert.PriorityInformational: 20, alert.PriorityNotice: 4, alert.PriorityError: 2, alert.PriorityDebug: 1}, 4},
		{"aws_cloudtrail_rules.yaml", 1, 0, 22, 2, rules.Version{Major: 0, Minor: 10, Patch: 0}, []string{"cloudtrail", "json"}, "aws_cloudtrail",
			// The reference table omits the INFO and DEBUG rules; the file has them.
			map[alert.Priority]int{alert.PriorityWarning: 15, alert.PriorityCritical: 5, alert.PriorityInformational: 1, alert.PriorityDebug: 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			spec, diags, err := Load(upstreamPath(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(diags) != 0 {
				t.Errorf("diagnostics: %v", diags)
			}
			if len(spec.Lists) != tt.lists || len(spec.Macros) != tt.macros || len(spec.Rules) != tt.rules {
				t.Errorf("got %d lists, %d macros, %d rules; want %d, %d, %d",
					len(spec.Lists), len(spec.Macros), len(spec.Rules), tt.lists, tt.macros, tt.rules)
			}
			if spec.RequiredEngineVersion.Version != tt.engine {
				t.Errorf("engine version %v, want %v", spec.RequiredEngineVersion.Version, tt.engine)
			}
			var plugins []string
			for _, p := range spec.RequiredPlugins {
				plugins = append(plugins, p.Name)
			}
			if d := cmp.Diff(tt.plugins, plugins); d != "" {
				t.Errorf("plugins (-want +got):\n%s", d)
			}
			if n := len(spec.RequiredPlugins[0].Alternatives); n != tt.alternativesOfFirstPl {
				t.Errorf("%d alternatives, want %d", n, tt.alternativesOfFirstPl)
			}
			prio := map[alert.Priority]int{}
			disabled := 0
			for _, r := range spec.Rules {
				prio[r.Priority]++
				if !r.Enabled {
					disabled++
				}
				if r.Source != tt.source {
					t.Errorf("rule %q: source %q", r.Name, r.Source)
				}
				if r.Expanded == "" || r.Desc == "" || r.Output == "" {
					t.Errorf("rule %q: empty condition, desc or output", r.Name)
				}
			}
			if d := cmp.Diff(tt.priorities, prio); d != "" {
				t.Errorf("priorities (-want +got):\n%s", d)
			}
			if disabled != tt.disabled {
				t.Errorf("%d disabled rules, want %d", disabled, tt.disabled)
			}
			for _, m := range spec.Macros {
				if m.Expanded == "" {
					t.Errorf("macro %q: empty expansion", m.Name)
				}
			}
		})
	}
}

// TestUpstreamTogether loads the three syscall files in order, as Falco
// does with its default configuration: they share names, so later files
// redefine lists and macros in place.
func TestUpstreamTogether(t *testing.T) {
	spec, diags, err := Load(upstreamPath(t, "falco_rules.yaml"), upstreamPath(t, "falco-incubating_rules.yaml"),
		upstreamPath(t, "falco-sandbox_rules.yaml"))
	if err != nil || len(diags) != 0 {
		t.Fatalf("err %v, diagnostics %v", err, diags)
	}
	if len(spec.Files) != 3 || len(spec.Rules) != 25+31+37 {
		t.Errorf("%d files, %d rules", len(spec.Files), len(spec.Rules))
	}
	again, _, _ := Load(upstreamPath(t, "falco_rules.yaml"), upstreamPath(t, "falco-incubating_rules.yaml"),
		upstreamPath(t, "falco-sandbox_rules.yaml"))
	if d := cmp.Diff(spec, again); d != "" {
		t.Errorf("two loads differ:\n%s", d)
	}
	// Index order is definition order, and no two items share a counter
	// value for their first definition.
	seen := map[int]string{}
	check := func(kind, name string, index, vis int) {
		if vis < index {
			t.Errorf("%s %q: visibility %d < index %d", kind, name, vis, index)
		}
		if other, dup := seen[index]; dup {
			t.Errorf("%s %q and %s share index %d", kind, name, other, index)
		}
		seen[index] = kind + " " + name
	}
	for i, l := range spec.Lists {
		check("list", l.Name, l.Index, l.Visibility)
		if i > 0 && spec.Lists[i-1].Index >= l.Index {
			t.Errorf("lists out of order at %q", l.Name)
		}
	}
	for i, m := range spec.Macros {
		check("macro", m.Name, m.Index, m.Visibility)
		if i > 0 && spec.Macros[i-1].Index >= m.Index {
			t.Errorf("macros out of order at %q", m.Name)
		}
	}
	for _, r := range spec.Rules {
		check("rule", r.Name, r.Index, r.Visibility)
	}
}

// TestUpstreamAllFive loads the five files together: sources differ but no
// name clashes across sources, so no diagnostic; the list substitution
// work stays well within the loader's budget.
func TestUpstreamAllFive(t *testing.T) {
	var paths []string
	for _, f := range upstreamFiles {
		paths = append(paths, upstreamPath(t, f))
	}
	spec, diags, err := Load(paths...)
	if err != nil || len(diags) != 0 {
		t.Fatalf("err %v, diagnostics %v", err, diags)
	}
	if len(spec.Rules) != 25+31+37+48+22 {
		t.Errorf("%d rules", len(spec.Rules))
	}
	work := 0
	for _, m := range spec.Macros {
		work += len(m.Condition) * len(spec.Lists)
	}
	for _, r := range spec.Rules {
		work += len(r.Expanded) * len(spec.Lists)
	}
	if work*10 > expansionBudget {
		t.Errorf("the upstream files need about %d bytes of substitution work, more than a tenth of the budget", work)
	}
	t.Logf("substitution work about %d bytes (budget %d)", work, expansionBudget)
}

// TestUpstreamSpotChecks pins a few expansions of the stable file by hand.
func TestUpstreamSpotChecks(t *testing.T) {
	spec, _, err := Load(upstreamPath(t, "falco_rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]rules.List{}
	for _, l := range spec.Lists {
		lists[l.Name] = l
	}
	macros := map[string]rules.Macro{}
	for _, m := range spec.Macros {
		macros[m.Name] = m
	}
	// shell_binaries is a plain list; its values are its items.
	sb := lists["shell_binaries"]
	if len(sb.Items) == 0 || !cmp.Equal(sb.Items, sb.Values) {
		t.Errorf("shell_binaries: items %v values %v", sb.Items, sb.Values)
	}
	// A macro using it gets the values in place of the name.
	for name, m := range macros {
		for _, ref := range m.ListRefs {
			if _, ok := lists[ref]; !ok {
				t.Errorf("macro %q: unknown list ref %q", name, ref)
			}
		}
	}
	sh, ok := macros["shell_procs"]
	if !ok {
		t.Fatal("no macro shell_procs")
	}
	if sh.Condition != "(proc.name in (shell_binaries))" {
		t.Fatalf("shell_procs condition %q", sh.Condition)
	}
	want := "(proc.name in ( " + joinQuoted(sb.Values) + " ))"
	if sh.Expanded != want {
		t.Errorf("shell_procs expanded\n got %q\nwant %q", sh.Expanded, want)
	}
}

func joinQuoted(vals []string) string {
	s := ""
	for i, v := range vals {
		if i > 0 {
			s += ", "
		}
		s += rules.QuoteItem(v)
	}
	return s
}

// TestUpstreamExpandedParse parses every macro and rule condition of the
// five files after list substitution and exceptions, as Falco's compiler
// parses them (with its rule depth limit of 1000).
func TestUpstreamExpandedParse(t *testing.T) {
	var paths []string
	for _, f := range upstreamFiles {
		paths = append(paths, upstreamPath(t, f))
	}
	spec, _, err := Load(paths...)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range spec.Macros {
		if _, err := syntax.Parse(m.Expanded, syntax.MaxDepth(1000)); err != nil {
			t.Errorf("macro %q at %v: %v\n%s", m.Name, m.ConditionPos, err, m.Expanded)
		}
		n++
	}
	for _, r := range spec.Rules {
		if _, err := syntax.Parse(r.Expanded, syntax.MaxDepth(1000)); err != nil {
			t.Errorf("rule %q at %v: %v\n%s", r.Name, r.ConditionPos, err, r.Expanded)
		}
		n++
	}
	// The three syscall files share some macro names (a later file
	// redefines them in place), so there are fewer macros than in the
	// files one by one.
	if len(spec.Rules) != 25+31+37+48+22 || n != 523 {
		t.Errorf("parsed %d conditions: %d macros, %d rules", n, len(spec.Macros), len(spec.Rules))
	}
}
