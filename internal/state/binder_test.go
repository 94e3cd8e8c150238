package state

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// fieldCase is one field use and the values it must give, rendered as
// text (nil: no value).
type fieldCase struct {
	use  string
	want []string
}

// scenario is a state and an event, and what fields give for them.
type scenario struct {
	name  string
	setup func(t testing.TB, f *fixture)
	cases []fieldCase
}

func v(s ...string) []string { return s }

// allScenarios gathers the scenarios of every extractor file.
func allScenarios() []scenario {
	var all []scenario
	for _, group := range [][]scenario{
		evtScenarios(), evtArgScenarios(), procScenarios(), lineageScenarios(), threadScenarios(),
		fdScenarios(), fdNetScenarios(), fdListScenarios(), fsPathScenarios(),
		userScenarios(), containerScenarios(),
	} {
		all = append(all, group...)
	}
	return all
}

// TestFieldValues checks every scenario, then that every implemented
// field (stubs aside) got a value in at least one of them.
func TestFieldValues(t *testing.T) {
	withValue := map[string]bool{}
	for _, sc := range allScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			f := newFixture(t)
			sc.setup(t, f)
			for _, c := range sc.cases {
				got := f.values(t, c.use)
				if c.use == "fd.types" {
					// A set: the order is the table's, which is none.
					slices.Sort(got)
				}
				if diff := cmp.Diff(c.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", c.use, diff)
				}
				if len(c.want) > 0 {
					fl, _ := fieldUse(t, c.use)
					withValue[fl.Name] = true
				}
			}
		})
	}
	for _, fl := range testCatalog.Fields(field.SourceSyscall) {
		if Implemented(fl) && !withValue[fl.Name] && !stubs[fl.Name] {
			t.Errorf("implemented field %s has no test value", fl.Name)
		}
	}
}

// stubs are the implemented fields that have no value by definition (as
// upstream): they are tested to give none.
var stubs = map[string]bool{
	"evt.pluginname": true, "evt.plugininfo": true,
	"container.healthcheck": true, "container.liveness_probe": true, "container.readiness_probe": true,
	"proc.is_container_healthcheck": true, "proc.is_container_liveness_probe": true,
	"proc.is_container_readiness_probe": true,
	"k8s.rc.name":                       true, "k8s.rc.id": true, "k8s.rc.label": true, "k8s.rc.labels": true,
	"k8s.svc.name": true, "k8s.svc.id": true, "k8s.svc.label": true, "k8s.svc.labels": true,
	"k8s.rs.name": true, "k8s.rs.id": true, "k8s.rs.label": true, "k8s.rs.labels": true,
	"k8s.deployment.name": true, "k8s.deployment.id": true, "k8s.deployment.label": true,
	"k8s.deployment.labels": true, "k8s.ns.id": true, "k8s.ns.label": true, "k8s.ns.labels": true,
}

// TestStubsAndGapsGiveNothing binds every stub and every unimplemented
// field on a rich event and expects no value.
func TestStubsAndGapsGiveNothing(t *testing.T) {
	f := newFixture(t)
	f.at(t, typeOpenX, 5000, 3, openParams(3, "/etc/hosts", 1, 0))
	for _, fl := range testCatalog.Fields(field.SourceSyscall) {
		if !stubs[fl.Name] && Implemented(fl) {
			continue
		}
		arg := field.Arg{}
		if fl.Arg == field.ArgRequired {
			arg = field.Arg{Text: "app"}
		}
		ext, err := f.b.Bind(fl, arg)
		if err != nil {
			t.Errorf("bind %s: %v", fl.Name, err)
			continue
		}
		if got := ext(nil); len(got) != 0 {
			t.Errorf("%s gave %v, want no value", fl.Name, render(got))
		}
	}
}

// TestBinderCoversCatalog checks that every syscall field of the catalog
// is either bound or listed as unimplemented, not both, and that the
// tables name no field the catalog lacks.
func TestBinderCoversCatalog(t *testing.T) {
	inCatalog := map[string]bool{}
	for _, fl := range testCatalog.Fields(field.SourceSyscall) {
		inCatalog[fl.Name] = true
		_, bound := lookupBinding(fl.Name)
		_, gap := unimplemented[fl.Name]
		if bound == gap {
			t.Errorf("field %s: bound=%v, unimplemented=%v; want exactly one", fl.Name, bound, gap)
		}
	}
	for _, table := range bindings {
		for name := range table {
			if !inCatalog[name] {
				t.Errorf("binding for %s, which the catalog does not have", name)
			}
		}
	}
	for name := range unimplemented {
		if !inCatalog[name] {
			t.Errorf("unimplemented lists %s, which the catalog does not have", name)
		}
	}
	seen := map[string]int{}
	for i, table := range bindings {
		for name := range table {
			if j, dup := seen[name]; dup {
				t.Errorf("%s bound in tables %d and %d", name, j, i)
			}
			seen[name] = i
		}
	}
}

// TestBinderTypeNumbers checks the event type constants against the enum
// names of the event table.
func TestBinderTypeNumbers(t *testing.T) {
	for typ, enum := range typeEnums {
		if got := typ.Info().Enum; got != enum {
			t.Errorf("type %d is %s, want %s", typ, got, enum)
		}
	}
}

// TestBindErrors checks the uses Bind refuses.
func TestBindErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		use  string
		arg  field.Arg
		want string
	}{
		{"arg on a field without", "proc.name", field.Arg{Text: "1"}, "takes no argument"},
		{"evt.arg without arg", "evt.arg", field.Arg{}, "needs a parameter"},
		{"evt.arg bad index", "evt.arg", field.Arg{Text: "x"}, "not a non-negative number"},
		{"abspath bad arg", "evt.abspath", field.Arg{Text: "up", Dotted: true}, "takes src or dst"},
		{"type.is unknown type", "evt.type.is", field.Arg{Text: "nosuchcall", Dotted: true}, "no event type"},
		{"aname bad index", "proc.aname", field.Arg{Text: "-1"}, "not a non-negative number"},
		{"mount without arg", "container.mount", field.Arg{}, "needs a mount"},
		{"cgroup without arg", "thread.cgroup", field.Arg{}, "needs a subsystem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fl, _ := fieldUse(t, tt.use)
			_, err := f.b.Bind(fl, tt.arg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Bind(%s, %+v) error = %v, want one containing %q", tt.use, tt.arg, err, tt.want)
			}
		})
	}
	other := testCatalog.Fields(field.SourceK8sAudit)[0]
	if _, err := f.b.Bind(other, field.Arg{}); err == nil {
		t.Errorf("Bind(%s of %s) succeeded, want an error", other.Name, other.Source)
	}
}

// TestImplementedMarks checks Implemented and Unimplemented agree.
func TestImplementedMarks(t *testing.T) {
	var yes, no int
	for _, fl := range testCatalog.Fields(field.SourceSyscall) {
		if Implemented(fl) {
			yes++
			if Unimplemented(fl.Name) != "" {
				t.Errorf("%s is implemented but has a reason", fl.Name)
			}
		} else {
			no++
			if Unimplemented(fl.Name) == "" {
				t.Errorf("%s is not implemented and has no reason", fl.Name)
			}
		}
	}
	for _, fl := range testCatalog.Fields(field.SourceK8sAudit) {
		if Implemented(fl) {
			t.Errorf("%s of %s marked implemented", fl.Name, fl.Source)
		}
	}
	t.Logf("syscall fields: %d implemented, %d without data", yes, no)
}

// TestNoEvent checks that no field gives a value before the first event.
func TestNoEvent(t *testing.T) {
	f := newFixture(t)
	for _, fl := range testCatalog.Fields(field.SourceSyscall) {
		arg := field.Arg{}
		switch {
		case fl.Name == "evt.type.is":
			arg = field.Arg{Text: "open", Dotted: true}
		case fl.Name == "evt.abspath":
		case fl.Arg == field.ArgRequired:
			arg = field.Arg{Text: "0"}
		}
		ext, err := f.b.Bind(fl, arg)
		if err != nil {
			t.Fatalf("bind %s: %v", fl.Name, err)
		}
		if got := ext(nil); len(got) != 0 && fl.Name != "evt.hostname" {
			t.Errorf("%s gave %v before any event", fl.Name, render(got))
		}
	}
}

// TestBinderUnknownThread checks the fields of an event whose thread the state
// does not know: only the event's own fields have values.
func TestBinderUnknownThread(t *testing.T) {
	f := newFixture(t)
	f.at(t, typeOpenX, 999, 3, openParams(3, "/etc/hosts", 1, 0))
	has := map[string]bool{}
	for _, fl := range testCatalog.Fields(field.SourceSyscall) {
		arg := field.Arg{}
		switch {
		case fl.Name == "evt.type.is":
			arg = field.Arg{Text: "open", Dotted: true}
		case fl.Name == "evt.abspath":
		case fl.Arg == field.ArgRequired:
			arg = field.Arg{Text: "0"}
		}
		ext, err := f.b.Bind(fl, arg)
		if err != nil {
			t.Fatalf("bind %s: %v", fl.Name, err)
		}
		if len(ext(nil)) > 0 {
			has[fl.Name] = true
		}
	}
	for name := range has {
		if strings.HasPrefix(name, "proc.") || strings.HasPrefix(name, "user.") ||
			strings.HasPrefix(name, "group.") || strings.HasPrefix(name, "container.") ||
			strings.HasPrefix(name, "fd.") || strings.HasPrefix(name, "k8s.") ||
			(strings.HasPrefix(name, "thread.") &&
				name != "thread.tid" && name != "thread.exectime") {
			t.Errorf("%s has a value for an unknown thread", name)
		}
	}
	for _, name := range []string{"thread.tid", "evt.type", "evt.res", "evt.arg"} {
		if !has[name] {
			t.Errorf("%s has no value for an unknown thread", name)
		}
	}
}

// TestSetNum checks the event clock: evt.num from SetNum or the state's
// count, evt.reltime from the first event, evt.deltatime from the one
// before.
func TestSetNum(t *testing.T) {
	f := newFixture(t)
	f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
	if got := f.values(t, "evt.num"); !slices.Equal(got, v("1")) {
		t.Errorf("evt.num without SetNum = %v, want the state's count 1", got)
	}
	if got := f.values(t, "evt.reltime"); got != nil {
		t.Errorf("evt.reltime without SetNum = %v, want none", got)
	}
	f.b.SetNum(7)
	var bld event.Builder
	bld.Reset(typeOpenX, testTS+1500, 17497)
	openParams(3, "/etc/hosts", 1, 0)(&bld)
	e := new(event.Event)
	if err := bld.Build(e); err != nil {
		t.Fatal(err)
	}
	f.s.cur.ev = e
	f.b.SetNum(8)
	for use, want := range map[string][]string{
		"evt.num": v("8"), "evt.reltime": v("1500"), "evt.deltatime": v("1500"),
		"evt.deltatime.s": v("0"), "evt.deltatime.ns": v("1500"), "evt.reltime.s": v("0"),
	} {
		if got := f.values(t, use); !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", use, got, want)
		}
	}
}
