package field

import (
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
)

// TestBuiltinTablesHaveNoDuplicates checks that no name appears twice in
// one source, across all the tables, and that the tables leave Source and
// Class to Default.
func TestBuiltinTablesHaveNoDuplicates(t *testing.T) {
	seen := map[string]string{}
	for _, tb := range builtin {
		for _, f := range tb.fields {
			key := tb.source + " " + f.Name
			if prev, dup := seen[key]; dup {
				t.Errorf("%s: %s defined in class %s and again in %s", tb.source, f.Name, prev, tb.class)
			}
			seen[key] = tb.class
			if f.Source != "" || f.Class != "" {
				t.Errorf("%s: the table sets Source or Class", f.Name)
			}
		}
	}
	_, err := NewCatalog([]Field{{Name: "a.b", Source: "s"}}, []Field{{Name: "a.b", Source: "s"}})
	if err == nil {
		t.Error("NewCatalog accepted a duplicate")
	}
}

// TestFieldsAreWellFormed checks what every field must have: a dotted
// lower-case name, a type with a comparison kind (PTDyn excepted), an
// argument rule consistent with DotArg, and a description of our own that
// ends with a period.
func TestFieldsAreWellFormed(t *testing.T) {
	for _, f := range Default().Fields("") {
		if !strings.Contains(f.Name, ".") || strings.ToLower(f.Name[:1]) != f.Name[:1] {
			t.Errorf("%s: odd name", f.Name)
		}
		if f.Kind() == KindNone && f.Type != event.PTDyn {
			t.Errorf("%s: type %v has no comparison kind", f.Name, f.Type)
		}
		if f.Flags&DotArg != 0 && f.Arg == ArgNone {
			t.Errorf("%s: DotArg on a field that takes no argument", f.Name)
		}
		if f.Flags&(FilterOnly|PrintOnly) == FilterOnly|PrintOnly {
			t.Errorf("%s: both filter-only and print-only", f.Name)
		}
		d := f.Desc
		if d == "" || !strings.HasSuffix(d, ".") || strings.HasSuffix(d, "..") {
			t.Errorf("%s: description %q must be a sentence ending with one period", f.Name, d)
		}
		if d != "" && unicode.IsLower(rune(d[0])) && !startsWithIdentifier(d) {
			t.Errorf("%s: description %q starts with a lower-case word", f.Name, d)
		}
	}
}

// startsWithIdentifier reports whether a description opens with a field,
// type or setting name that is lower case by nature (argv[0], hostIPC,
// true, privileged ...).
func startsWithIdentifier(d string) bool {
	word, _, _ := strings.Cut(d, " ")
	for _, r := range word {
		if unicode.IsUpper(r) || r == '[' || r == '.' {
			return true
		}
	}
	switch word {
	case "true", "privileged", "procMount", "supplementalGroups", "fsGroup", "runAsUser", "runAsGroup":
		return true
	}
	return false
}

// TestDescriptionsAreOurOwn checks that no description shares a run of 8
// or more words with any note of falco_fields.tsv (the upstream wording):
// the descriptions are written in our own words.
func TestDescriptionsAreOurOwn(t *testing.T) {
	const run = 8
	d := readTSV(t)
	upstream := map[string]string{} // run of words -> field whose note has it
	for _, r := range d.fields {
		w := words(r.note)
		for i := 0; i+run <= len(w); i++ {
			upstream[strings.Join(w[i:i+run], " ")] = r.name
		}
	}
	for _, f := range Default().Fields("") {
		w := words(f.Desc)
		for i := 0; i+run <= len(w); i++ {
			if from, ok := upstream[strings.Join(w[i:i+run], " ")]; ok {
				t.Errorf("%s: description shares %q with the note of %s", f.Name, strings.Join(w[i:i+run], " "), from)
			}
		}
	}
}

// words splits text into lower-case words without punctuation.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '.'
	})
}

// TestDefaultIsFresh checks that every call builds its own catalog, so
// that changing one cannot change another or the tables.
func TestDefaultIsFresh(t *testing.T) {
	a, b := Default(), Default()
	fa, _, _ := a.Lookup(SourceSyscall, "proc.name")
	fa.Desc = "changed."
	fb, _, _ := b.Lookup(SourceSyscall, "proc.name")
	if fb.Desc == "changed." || procFields[6].Desc == "changed." {
		t.Fatal("Default catalogs share their fields")
	}
	if got, want := a.Sources(), []string{SourceCloudTrail, SourceGuardDuty, SourceCompute, SourceK8sAudit, SourceSyscall}; !cmp.Equal(got, want) {
		t.Errorf("Sources() = %v, want %v", got, want)
	}
}

// TestLookup covers exact names, bracket-free dotted arguments and the
// names that must not match.
func TestLookup(t *testing.T) {
	c := Default()
	tests := []struct {
		source, name string
		field        string // "" when the lookup must fail
		arg          Arg
	}{
		{SourceSyscall, "proc.name", "proc.name", Arg{}},
		{SourceSyscall, "evt.args", "evt.args", Arg{}},
		{SourceSyscall, "evt.arg.flags", "evt.arg", Arg{Text: "flags", Dotted: true}},
		{SourceSyscall, "evt.rawarg.uid", "evt.rawarg", Arg{Text: "uid", Dotted: true}},
		{SourceSyscall, "evt.type.is.open", "evt.type.is", Arg{Text: "open", Dotted: true}},
		{SourceSyscall, "evt.type", "evt.type", Arg{}},
		{SourceSyscall, "evt.abspath", "evt.abspath", Arg{}},
		{SourceSyscall, "evt.abspath.dst", "evt.abspath", Arg{Text: "dst", Dotted: true}},
		{SourceSyscall, "thread.cgroup.cpuacct", "thread.cgroup", Arg{Text: "cpuacct", Dotted: true}},
		{SourceSyscall, "thread.cgroups", "thread.cgroups", Arg{}},
		{SourceSyscall, "k8s.pod.label.app", "k8s.pod.label", Arg{Text: "app", Dotted: true}},
		{SourceSyscall, "k8s.pod.label.app.kubernetes.io/name", "k8s.pod.label", Arg{Text: "app.kubernetes.io/name", Dotted: true}},
		{SourceSyscall, "k8s.pod.labels", "k8s.pod.labels", Arg{}},
		{SourceSyscall, "k8s.ns.label.team", "k8s.ns.label", Arg{Text: "team", Dotted: true}},
		{SourceSyscall, "container.label.maintainer", "container.label", Arg{Text: "maintainer", Dotted: true}},
		{SourceSyscall, "container.image.repository", "container.image.repository", Arg{}},
		{SourceK8sAudit, "ka.req.pod.containers.image", "ka.req.pod.containers.image", Arg{}},
		{SourceK8sAudit, "jevt.value", "jevt.value", Arg{}},
		{SourceCloudTrail, "json.value", "json.value", Arg{}},
		{SourceCloudTrail, "ct.user.arn", "ct.user.arn", Arg{}},

		// Fields that take an argument only in brackets do not match
		// the dotted form; nor do fields without arguments.
		{SourceSyscall, "proc.env.HOME", "", Arg{}},
		{SourceSyscall, "proc.aname.2", "", Arg{}},
		{SourceSyscall, "proc.name.x", "", Arg{}},
		{SourceSyscall, "k8smeta.pod.label.app", "", Arg{}},
		{SourceK8sAudit, "ka.uri.param.command", "", Arg{}},
		{SourceCloudTrail, "json.value.x", "", Arg{}},
		// A field of another source, an unknown name, a prefix.
		{SourceK8sAudit, "proc.name", "", Arg{}},
		{SourceSyscall, "ka.verb", "", Arg{}},
		{SourceSyscall, "proc.nam", "", Arg{}},
		{SourceSyscall, "evt", "", Arg{}},
		{SourceSyscall, "evt.arg", "evt.arg", Arg{}},
		{"nosuchsource", "proc.name", "", Arg{}},
	}
	for _, tt := range tests {
		t.Run(tt.source+"/"+tt.name, func(t *testing.T) {
			f, arg, ok := c.Lookup(tt.source, tt.name)
			if tt.field == "" {
				if ok {
					t.Fatalf("found %s with %+v, want no match", f.Name, arg)
				}
				return
			}
			if !ok {
				t.Fatal("not found")
			}
			if f.Name != tt.field || f.Source != tt.source || arg != tt.arg {
				t.Errorf("got %s (%s) %+v, want %s %+v", f.Name, f.Source, arg, tt.field, tt.arg)
			}
		})
	}
}

// BenchmarkDefault measures building the built-in catalog, which every
// rule compilation and `peregrine fields` does once.
func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Default()
	}
}

// BenchmarkLookupDotted measures the slowest lookup: a dotted argument
// with dots of its own.
func BenchmarkLookupDotted(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := c.Lookup(SourceSyscall, "k8s.pod.label.app.kubernetes.io/name"); !ok {
			b.Fatal("not found")
		}
	}
}
