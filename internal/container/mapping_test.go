package container_test

import (
	"reflect"
	"testing"

	"peregrine/internal/container"
	"peregrine/internal/state"
)

// TestInfoMirrorsStateContainer checks the promise of the package
// documentation: every field of state.Container (and state.Mount) has a
// field of the same name and type in Info (and Mount), so that the engine
// copies one into the other field by field. It fails when either side
// gains a field the other lacks.
func TestInfoMirrorsStateContainer(t *testing.T) {
	mirror(t, reflect.TypeFor[state.Container](), reflect.TypeFor[container.Info]())
	mirror(t, reflect.TypeFor[state.Mount](), reflect.TypeFor[container.Mount]())
}

// mirror checks that struct types a and b have the same field names, in
// the same order, with the same types (a slice of a mirrored struct
// counting as the same).
func mirror(t *testing.T, a, b reflect.Type) {
	t.Helper()
	if a.NumField() != b.NumField() {
		t.Errorf("%v has %d fields, %v %d", a, a.NumField(), b, b.NumField())
	}
	for i := range min(a.NumField(), b.NumField()) {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name {
			t.Errorf("field %d: %v.%s, %v.%s", i, a, fa.Name, b, fb.Name)
			continue
		}
		ta, tb := fa.Type, fb.Type
		if ta.Kind() == reflect.Slice && ta.Elem().Kind() == reflect.Struct && tb.Kind() == reflect.Slice {
			ta, tb = ta.Elem(), tb.Elem()
			if tb.Kind() == reflect.Struct {
				continue // checked on its own
			}
		}
		if ta != tb {
			t.Errorf("%s: %v in %v, %v in %v", fa.Name, ta, a, tb, b)
		}
	}
}
