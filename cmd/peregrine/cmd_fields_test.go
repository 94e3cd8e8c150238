package main

import (
	"bytes"
	"encoding/json"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/field"
)

// textFields parses `peregrine fields` text output: the group headers in
// order and, per field line, its name and the offset of its TYPE column.
func textFields(t *testing.T, out string) (groups []string, names []string, typeCols map[int]bool) {
	t.Helper()
	typeCols = map[int]bool{}
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		switch {
		case i == 0:
			if !strings.HasPrefix(line, "  FIELD ") || !strings.HasSuffix(line, "DESCRIPTION") {
				t.Fatalf("first line %q is not the column header", line)
			}
		case line == "":
		case !strings.HasPrefix(line, "  "):
			groups = append(groups, line)
		default:
			name, _, _ := strings.Cut(line[2:], " ")
			names = append(names, name)
			rest := line[2+len(name):]
			typeCols[2+len(name)+len(rest)-len(strings.TrimLeft(rest, " "))] = true
		}
	}
	return groups, names, typeCols
}

// namesOf returns the sorted names of fields of a source ("" for all)
// that match keep.
func namesOf(source string, keep func(string) bool) []string {
	var out []string
	for _, f := range field.Default().Fields(source) {
		if f.Flags&field.Hidden == 0 && keep(f.Name) {
			out = append(out, f.Name)
		}
	}
	sort.Strings(out)
	return out
}

func all(string) bool { return true }

func TestFieldsText(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		source string
		keep   func(string) bool
		groups []string // the group headers expected, in order; nil: not checked
	}{
		{"all", nil, "", all, nil},
		{"syscall", []string{"--source", "syscall"}, "syscall", all, []string{
			"syscall: container", "syscall: evt", "syscall: evt (for system calls)", "syscall: fd",
			"syscall: fdlist", "syscall: fs.path", "syscall: group", "syscall: k8smeta",
			"syscall: process", "syscall: user",
		}},
		{"k8s_audit", []string{"--source=k8s_audit"}, "k8s_audit", all, []string{
			"k8s_audit: evt", "k8s_audit: json", "k8s_audit: k8saudit",
		}},
		{"substring", []string{"proc.a"}, "", func(n string) bool { return strings.Contains(n, "proc.a") }, []string{"syscall: process"}},
		{"glob", []string{"evt.count*"}, "", func(n string) bool { return strings.HasPrefix(n, "evt.count") }, []string{"syscall: evt (for system calls)"}},
		{"glob in a source", []string{"--source", "aws_cloudtrail", "s3.*"}, "aws_cloudtrail", func(n string) bool { return strings.HasPrefix(n, "s3.") }, []string{"aws_cloudtrail: cloudtrail"}},
		{"glob across sources", []string{"json.*"}, "", func(n string) bool { return strings.HasPrefix(n, "json.") }, []string{"aws_cloudtrail: json", "aws_guardduty: json", "compute: json", "k8s_audit: json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := peregrine(t, append([]string{"fields"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			groups, names, typeCols := textFields(t, out)
			sort.Strings(names)
			if diff := cmp.Diff(namesOf(tt.source, tt.keep), names); diff != "" {
				t.Errorf("fields listed (-want +got):\n%s", diff)
			}
			if tt.groups != nil {
				if diff := cmp.Diff(tt.groups, groups); diff != "" {
					t.Errorf("groups (-want +got):\n%s", diff)
				}
			}
			if len(typeCols) != 1 {
				t.Errorf("the TYPE column starts at %d different offsets", len(typeCols))
			}
		})
	}
}

func TestFieldsTextRows(t *testing.T) {
	out, _, code := peregrine(t, "fields", "--source", "syscall", "evt.rawarg")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	got := strings.Fields(strings.Split(out, "\n")[3])
	want := []string{"evt.rawarg", "DYN", "required", "no-rhs,no-transformer,dot-arg", "yes", "One"}
	if diff := cmp.Diff(want, got[:6]); diff != "" {
		t.Errorf("row (-want +got):\n%s\n%s", diff, out)
	}
	out, _, _ = peregrine(t, "fields", "k8smeta.pod.labels")
	if !strings.Contains(out, "k8smeta.pod.labels  LIST(CHARBUF)  -  ") || !strings.Contains(out, "not yet") {
		t.Errorf("list field row:\n%s", out)
	}
}

func TestFieldsJSON(t *testing.T) {
	out, stderr, code := peregrine(t, "fields", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []fieldJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(namesOf("", all)) {
		t.Errorf("%d fields in JSON, want %d", len(got), len(namesOf("", all)))
	}
	byKey := map[string]fieldJSON{}
	for _, f := range got {
		// Every field is marked. The document sources read every field
		// of theirs (the binder of each binds it); the syscall source
		// has fields without data (checked below and in state).
		if f.Implemented == nil || (!*f.Implemented && f.Source != "syscall") {
			t.Errorf("%s of %s: implemented = %v", f.Name, f.Source, f.Implemented)
		}
		if f.Source == "syscall" && f.Name == "proc.name" && (f.Implemented == nil || !*f.Implemented) {
			t.Errorf("proc.name not marked implemented")
		}
		f.Implemented = nil
		byKey[f.Source+" "+f.Name] = f
	}
	want := map[string]fieldJSON{
		"syscall evt.rawarg": {"evt.rawarg", "syscall", "evt (for system calls)", "DYN", false, "required",
			[]string{"no-rhs", "no-transformer", "dot-arg"}, "", nil},
		"syscall fd.types":         {"fd.types", "syscall", "fd", "CHARBUF", true, "optional", []string{"no-rhs"}, "", nil},
		"syscall proc.name":        {"proc.name", "syscall", "process", "CHARBUF", false, "none", []string{}, "", nil},
		"k8s_audit ka.user.groups": {"ka.user.groups", "k8s_audit", "k8saudit", "CHARBUF", true, "none", []string{}, "", nil},
		"aws_cloudtrail s3.bytes":  {"s3.bytes", "aws_cloudtrail", "cloudtrail", "UINT64", false, "none", []string{}, "", nil},
	}
	for key, w := range want {
		g, ok := byKey[key]
		if !ok {
			t.Errorf("%s missing", key)
			continue
		}
		if g.Description == "" {
			t.Errorf("%s: no description", key)
		}
		g.Description = ""
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s (-want +got):\n%s", key, diff)
		}
	}

	// Nothing matches: an empty array, not null.
	out, _, code = peregrine(t, "fields", "-o", "json", "no.such.field")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("no match: exit %d, %q", code, out)
	}
	out, _, code = peregrine(t, "fields", "no.such.field")
	if code != 0 || out != "" {
		t.Errorf("no match as text: exit %d, %q", code, out)
	}
}

func TestFieldsUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"--source", "nope"}, `unknown source "nope"; the sources are aws_cloudtrail, aws_guardduty, compute, k8s_audit, syscall`},
		{[]string{"-o", "yaml"}, `-o "yaml": want text or json`},
		{[]string{"proc[.name"}, `filter "proc[.name": syntax error in pattern`},
		{[]string{"proc", "fd"}, "one FILTER at most"},
		{[]string{"--nosuchflag"}, "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, stderr, code := peregrine(t, append([]string{"fields"}, tt.args...)...)
			if code != exitUsage || out != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, stderr, tt.want)
			}
		})
	}
}

// TestWriteFieldsImplemented covers the column the sources will fill: with
// a predicate, the text gains a VALUES column and the JSON an implemented
// member.
func TestWriteFieldsImplemented(t *testing.T) {
	fields, err := fieldSelection{source: "syscall", filter: "proc.p*"}.apply(field.Default())
	if err != nil {
		t.Fatal(err)
	}
	impl := func(f *field.Field) bool { return f.Name == "proc.pid" }
	var text bytes.Buffer
	if err := writeFields(&text, fields, "text", impl); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(text.String(), "\n") {
		cells := strings.Fields(line)
		if len(cells) < 5 || !strings.HasPrefix(cells[0], "proc.p") {
			continue
		}
		want := "not"
		if cells[0] == "proc.pid" {
			want = "yes"
		}
		if cells[4] != want {
			t.Errorf("%s: VALUES %q, want %q", cells[0], cells[4], want)
		}
	}
	if !strings.Contains(text.String(), " VALUES ") {
		t.Errorf("no VALUES column:\n%s", text.String())
	}

	var js bytes.Buffer
	if err := writeFields(&js, fields, "json", impl); err != nil {
		t.Fatal(err)
	}
	var got []fieldJSON
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no fields")
	}
	for _, f := range got {
		if ok, _ := path.Match("proc.p*", f.Name); !ok {
			t.Errorf("%s does not match the filter", f.Name)
		}
		if f.Implemented == nil || *f.Implemented != (f.Name == "proc.pid") {
			t.Errorf("%s: implemented = %v", f.Name, f.Implemented)
		}
	}
}

// TestFieldsDocumentSourcesImplemented: the VALUES column of a document
// source says "yes" for its fields, which its binder reads, and the
// marking comes from that binder: a source whose Def binds nothing of its
// own has only the generic evt.* and json.* fields implemented.
func TestFieldsDocumentSourcesImplemented(t *testing.T) {
	for _, src := range []string{"k8s_audit", "aws_cloudtrail", "aws_guardduty", "compute"} {
		out, stderr, code := peregrine(t, "fields", "--source", src)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", src, code, stderr)
		}
		if strings.Contains(out, "not yet") || !strings.Contains(out, " yes ") {
			t.Errorf("%s: fields not all marked yes:\n%s", src, out)
		}
	}
	defs := documentSources()
	bare := *defs[field.SourceCloudTrail]
	bare.Bind = nil
	defs[field.SourceCloudTrail] = &bare
	implemented := implementedField(defs)
	for _, tc := range []struct {
		source, name string
		want         bool
	}{
		{field.SourceCloudTrail, "ct.name", false},
		{field.SourceCloudTrail, "evt.time", true},
		{field.SourceCloudTrail, "json.value", true},
		{field.SourceK8sAudit, "ka.verb", true},
		{field.SourceSyscall, "proc.name", true},
	} {
		f, _, ok := field.Default().Lookup(tc.source, tc.name)
		if !ok {
			t.Fatalf("%s %s not in the catalog", tc.source, tc.name)
		}
		if got := implemented(f); got != tc.want {
			t.Errorf("%s %s: implemented %v, want %v", tc.source, tc.name, got, tc.want)
		}
	}
}
