package rules

import (
	"errors"
	"math"
	"net/netip"
	"testing"

	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// fakeBinder is a field.Binder whose extractors give the values a test
// sets for each field use, keyed as written: "proc.name", "proc.aname[2]",
// "evt.arg.fd". A field use with no values set has no value.
type fakeBinder struct {
	slots map[string]*[]field.Value
	// refuse lists keys that Bind fails for.
	refuse map[string]bool
}

func newFakeBinder() *fakeBinder {
	return &fakeBinder{slots: map[string]*[]field.Value{}, refuse: map[string]bool{}}
}

func bindKey(name string, arg field.Arg) string {
	switch {
	case arg.Dotted:
		return name + "." + arg.Text
	case arg.Present():
		return name + "[" + arg.Text + "]"
	}
	return name
}

func (b *fakeBinder) slot(key string) *[]field.Value {
	s := b.slots[key]
	if s == nil {
		s = new([]field.Value)
		b.slots[key] = s
	}
	return s
}

// set gives the field use key the values vals from now on.
func (b *fakeBinder) set(key string, vals ...field.Value) { *b.slot(key) = vals }

func (b *fakeBinder) Bind(f *field.Field, arg field.Arg) (field.Extractor, error) {
	key := bindKey(f.Name, arg)
	if b.refuse[key] {
		return nil, errors.New("not available from this source")
	}
	s := b.slot(key)
	return func(dst []field.Value) []field.Value { return append(dst, *s...) }, nil
}

// env maps field uses to their values for one event.
type env map[string][]field.Value

func str(s string) field.Value   { return field.String([]byte(s)) }
func bin(s string) field.Value   { return field.Value{Kind: field.KindBytes, B: []byte(s)} }
func i64(n int64) field.Value    { return field.Int(n) }
func u64(n uint64) field.Value   { return field.Uint(n) }
func ns(n uint64) field.Value    { return field.Value{Kind: field.KindTime, N: n} }
func boolean(b bool) field.Value { return field.Bool(b) }
func f64(f float64) field.Value  { return field.Value{Kind: field.KindFloat, N: math.Float64bits(f)} }
func ip(s string) field.Value    { return field.IP(netip.MustParseAddr(s)) }
func strs(ss ...string) []field.Value {
	out := make([]field.Value, len(ss))
	for i, s := range ss {
		out[i] = str(s)
	}
	return out
}

// testCatalog is the default catalog, built once for all tests.
var testCatalog = field.Default()

// compileCond compiles a condition that is a single check against the
// fields of source, bound to b.
func compileCond(source, cond string, b field.Binder) (pred, error) {
	e, err := syntax.Parse(cond)
	if err != nil {
		return nil, err
	}
	chk, ok := e.(*syntax.Check)
	if !ok {
		return nil, errors.New("not a single check")
	}
	c := &checkCompiler{cat: testCatalog, source: source, binder: b}
	return c.check(chk)
}

// evalSource compiles cond for source and evaluates it once with the
// values of e.
func evalSource(t *testing.T, source, cond string, e env) bool {
	t.Helper()
	b := newFakeBinder()
	for k, v := range e {
		b.set(k, v...)
	}
	p, err := compileCond(source, cond, b)
	if err != nil {
		t.Fatalf("compile %q: %v", cond, err)
	}
	if p == nil {
		t.Fatalf("compile %q: nil pred with a binder", cond)
	}
	return p()
}

// eval is evalSource for the syscall source.
func eval(t *testing.T, cond string, e env) bool {
	t.Helper()
	return evalSource(t, field.SourceSyscall, cond, e)
}

// truthCase is one line of a truth table: a condition, the values of the
// fields it uses, and the expected result.
type truthCase struct {
	cond string
	env  env
	want bool
}

func runTruth(t *testing.T, source string, cases []truthCase) {
	t.Helper()
	for _, tc := range cases {
		if got := evalSource(t, source, tc.cond, tc.env); got != tc.want {
			t.Errorf("%s with %v = %v, want %v", tc.cond, tc.env, got, tc.want)
		}
	}
}
