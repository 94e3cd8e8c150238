package state

import (
	"peregrine/internal/event"
)

// Parameter access for the update engine. Every accessor reports whether
// the event carries a well-formed value; a missing, empty or malformed
// parameter is "unknown" and the caller leaves the state as it is.

// paramInt returns integer parameter i, sign-extended for signed types.
func paramInt(e *event.Event, i int) (int64, bool) {
	v, ok := e.Value(i)
	if !ok {
		return 0, false
	}
	return v.Int()
}

// paramUint returns integer parameter i as its unsigned bit pattern.
func paramUint(e *event.Event, i int) (uint64, bool) {
	v, ok := e.Value(i)
	if !ok {
		return 0, false
	}
	return v.Uint()
}

// paramStr returns string parameter i without its NUL, nil when absent,
// empty or the old drivers' "(NULL)". The bytes alias the event.
func paramStr(e *event.Event, i int) []byte {
	v, ok := e.Value(i)
	if !ok {
		return nil
	}
	return v.Str()
}

// paramBytes returns the bytes of parameter i, nil when absent or empty.
func paramBytes(e *event.Event, i int) []byte {
	v, ok := e.Value(i)
	if !ok || len(v.Raw) == 0 {
		return nil
	}
	return v.Raw
}

// paramRaw returns the bytes of parameter i and whether the event carries
// it at all (it may be empty: an empty list, no value).
func paramRaw(e *event.Event, i int) ([]byte, bool) {
	v, ok := e.Value(i)
	return v.Raw, ok
}

// paramValue returns parameter i when the event carries it non-empty.
func paramValue(e *event.Event, i int) (event.Value, bool) {
	v, ok := e.Value(i)
	if !ok || len(v.Raw) == 0 {
		return event.Value{}, false
	}
	return v, true
}

// setString stores b in *dst, allocating only when the text changed.
func setString(dst *string, b []byte) {
	if *dst != string(b) {
		*dst = string(b)
	}
}

// setList stores a NUL-separated list (argv, environment, cgroups) in
// *dst, allocating only when it changed. One NUL ends the last item; an
// empty list is nil.
func setList(dst *[]string, raw []byte) {
	if sameList(*dst, raw) {
		return
	}
	*dst = splitList(raw)
}

// sameList reports whether list holds the items of raw.
func sameList(list []string, raw []byte) bool {
	if len(raw) > 0 && raw[len(raw)-1] == 0 {
		raw = raw[:len(raw)-1]
	}
	if len(raw) == 0 {
		return len(list) == 0
	}
	for i, item := range list {
		if len(raw) < len(item) || string(raw[:len(item)]) != item {
			return false
		}
		raw = raw[len(item):]
		if i == len(list)-1 {
			return len(raw) == 0
		}
		if len(raw) == 0 || raw[0] != 0 {
			return false
		}
		raw = raw[1:]
	}
	return false
}

// splitList splits a NUL-separated list into strings sharing one copy of
// the bytes.
func splitList(raw []byte) []string {
	if len(raw) > 0 && raw[len(raw)-1] == 0 {
		raw = raw[:len(raw)-1]
	}
	if len(raw) == 0 {
		return nil
	}
	n := 1
	for _, c := range raw {
		if c == 0 {
			n++
		}
	}
	all := string(raw)
	out := make([]string, 0, n)
	start := 0
	for i := 0; i < len(all); i++ {
		if all[i] == 0 {
			out = append(out, all[start:i])
			start = i + 1
		}
	}
	return append(out, all[start:])
}
