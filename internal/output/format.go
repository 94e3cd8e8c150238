package output

import (
	"encoding/json"
	"sort"

	"peregrine/internal/alert"
)

// Format says how a sink turns an alert into a line: Falco's json_output,
// json_include_*_property and static_fields settings. The HTTP sink always
// writes JSON.
type Format struct {
	// JSON selects Falco's JSON object; otherwise the line is the alert's
	// text ([alert.Alert.Output]: "time: Priority message ...").
	JSON bool
	// JSONOptions choose the optional members of the JSON object.
	JSONOptions alert.JSONOptions
	// StaticFields are Falco's static_fields: constants that go with
	// every alert as string fields named "static.<key>", in key order.
	// As in Falco (where they are suggested output fields), they are
	// added to the JSON "output_fields" and appended to the text line as
	// " static.<key>=<value>". A field the alert carries already (the
	// engine put it there) is not added twice.
	StaticFields map[string]string
}

// formatter makes the lines of one sink; it keeps a scratch slice, so
// each sink has its own.
type formatter struct {
	json   bool
	opts   alert.JSONOptions
	static []alert.Field // "static.<key>" and the value as a JSON string, by key
	text   []string      // " static.<key>=<value>", same order
	fields []alert.Field // scratch: the alert's fields plus the static ones
}

func newFormatter(f Format) *formatter {
	fm := &formatter{json: f.JSON, opts: f.JSONOptions}
	keys := make([]string, 0, len(f.StaticFields))
	for k := range f.StaticFields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := f.StaticFields[k]
		enc, _ := json.Marshal(v) // a string always encodes
		fm.static = append(fm.static, alert.Field{Name: "static." + k, JSON: string(enc)})
		fm.text = append(fm.text, " static."+k+"="+v)
	}
	return fm
}

// appendLine appends a's line, without a newline, to dst.
func (fm *formatter) appendLine(dst []byte, a *alert.Alert) []byte {
	if !fm.json {
		dst = append(dst, a.Output...)
		for i, f := range fm.static {
			if !hasField(a.Fields, f.Name) {
				dst = append(dst, fm.text[i]...)
			}
		}
		return dst
	}
	if len(fm.static) == 0 || !fm.opts.OutputFields {
		return a.AppendJSON(dst, fm.opts)
	}
	fm.fields = append(fm.fields[:0], a.Fields...)
	for _, f := range fm.static {
		if !hasField(a.Fields, f.Name) {
			fm.fields = append(fm.fields, f)
		}
	}
	b := *a
	b.Fields = fm.fields
	return b.AppendJSON(dst, fm.opts)
}

func hasField(fs []alert.Field, name string) bool {
	for _, f := range fs {
		if f.Name == name {
			return true
		}
	}
	return false
}
