package docsrc

import "peregrine/internal/field"

// Implemented reports whether def's source gives values for f: f is of
// def's source and its Binder binds it. A field that requires an argument
// is bound with a JSON pointer ("/"), which the json.* fields need and
// the others take as any text. `peregrine fields` marks the catalog with
// it, as state.Implemented does for the syscall fields.
func Implemented(def *Def, f *field.Field) bool {
	if f.Source != def.Source {
		return false
	}
	var arg field.Arg
	if f.Arg == field.ArgRequired {
		arg.Text = "/"
	}
	_, err := NewBinder(def, &Cursor{}, "").Bind(f, arg)
	return err == nil
}
