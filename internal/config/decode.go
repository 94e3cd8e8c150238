package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/yamlnode"
)

// field is one key of a section: a leaf with its decoder, or a section
// with its own keys.
type field struct {
	name string
	leaf func(d *decoder, path string, v *yaml.Node)
	sub  []field
}

// decoder turns the merged tree into a Config, reporting every problem
// with its position.
type decoder struct {
	orig origins
	p    *problems
	// at records where each key that was given got its value (the value's
	// position, or the key's when the value is empty), for checks that
	// span keys.
	at map[string]Pos
	// failed records the keys whose value was reported as wrong, so that
	// checks spanning keys do not report them again.
	failed map[string]bool
	cur    string // the key being decoded
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.p.errorf(d.orig.pos(n), format, args...)
	if d.failed != nil {
		d.failed[d.cur] = true
	}
}

func (d *decoder) warnf(n *yaml.Node, format string, args ...any) {
	d.p.warnf(d.orig.pos(n), format, args...)
}

// section decodes the mapping n against fields. A null section keeps its
// defaults.
func (d *decoder) section(n *yaml.Node, path string, fields []field) {
	n = yamlnode.Resolve(n)
	if yamlnode.IsNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want a mapping of keys, got %s", path, kindName(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := yamlnode.Resolve(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			d.errorf(n.Content[i], "%s: a key must be a name, not %s", path, kindName(k))
			continue
		}
		full := joinPath(path, k.Value)
		f := findField(fields, k.Value)
		if f == nil {
			d.unknown(k, path, full, fields)
			continue
		}
		if yamlnode.IsNull(v) {
			d.at[full] = d.orig.pos(k)
		} else {
			d.at[full] = d.orig.pos(yamlnode.Resolve(v))
		}
		d.cur = full
		if f.sub != nil {
			d.section(v, full, f.sub)
		} else {
			f.leaf(d, full, v)
		}
	}
}

func findField(fields []field, name string) *field {
	for i := range fields {
		if fields[i].name == name {
			return &fields[i]
		}
	}
	return nil
}

// unknown warns about a key that is not one of fields: a Falco key we do
// not implement, or a key nobody knows (with the closest known one).
func (d *decoder) unknown(k *yaml.Node, path, full string, fields []field) {
	if why, ok := unsupported[full]; ok {
		d.warnf(k, "%q is a Falco setting that Peregrine does not support; ignored (%s)", full, why)
		return
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	if s := suggest(k.Value, names); s != "" {
		d.warnf(k, "unknown key %q (did you mean %q?)", full, joinPath(path, s))
		return
	}
	d.warnf(k, "unknown key %q", full)
}

// scalar returns the text of the scalar v. ok is false when v is null
// (the default stays) or not a scalar (reported, wanting what).
func (d *decoder) scalar(path string, v *yaml.Node, what string) (string, bool) {
	v = yamlnode.Resolve(v)
	if yamlnode.IsNull(v) {
		return "", false
	}
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, "%s: want %s, got %s", path, what, kindName(v))
		return "", false
	}
	return v.Value, true
}

// boolean decodes true/false (also yes/no and on/off, as Falco's YAML
// library reads them).
func boolean(p *bool) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		s, ok := d.scalar(path, v, "true or false")
		if !ok || s == "" {
			return
		}
		switch strings.ToLower(s) {
		case "true", "yes", "on":
			*p = true
		case "false", "no", "off":
			*p = false
		default:
			d.errorf(yamlnode.Resolve(v), "%s: want true or false, got %q", path, s)
		}
	}
}

// integer decodes a whole number from lo to hi.
func integer(p *int, lo, hi int) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		s, ok := d.scalar(path, v, "a whole number")
		if !ok || s == "" {
			return
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
		switch {
		case err != nil:
			d.errorf(yamlnode.Resolve(v), "%s: want a whole number, got %q", path, s)
		case n < 0 && lo == 0:
			d.errorf(yamlnode.Resolve(v), "%s: %d is negative", path, n)
		case n < int64(lo) || n > int64(hi):
			d.errorf(yamlnode.Resolve(v), "%s: %d is out of range (%d to %d)", path, n, lo, hi)
		default:
			*p = int(n)
		}
	}
}

// text decodes any scalar as its text; check, when given, describes what
// is wrong with a value ("" when nothing is).
func text(p *string, check func(string) string) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		s, ok := d.scalar(path, v, "a string")
		if !ok {
			return
		}
		if check != nil {
			if msg := check(s); msg != "" {
				d.errorf(yamlnode.Resolve(v), "%s: %s", path, msg)
				return
			}
		}
		*p = s
	}
}

// oneOf decodes one of names.
func oneOf(p *string, names ...string) func(*decoder, string, *yaml.Node) {
	return text(p, func(s string) string {
		for _, n := range names {
			if s == n {
				return ""
			}
		}
		return fmt.Sprintf("%q is not one of %s", s, strings.Join(names, ", "))
	})
}

// textList decodes a list of scalars; a single scalar is a list of one
// (Falco reads rules_files: x as [x]).
func textList(p *[]string) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		v = yamlnode.Resolve(v)
		if yamlnode.IsNull(v) {
			return
		}
		if v.Kind == yaml.ScalarNode {
			*p = []string{v.Value}
			return
		}
		if v.Kind != yaml.SequenceNode {
			d.errorf(v, "%s: want a list of strings, got %s", path, kindName(v))
			return
		}
		out := make([]string, 0, len(v.Content))
		bad := false
		for i, item := range v.Content {
			s, ok := d.scalar(fmt.Sprintf("%s[%d]", path, i), item, "a string")
			if !ok {
				bad = bad || !yamlnode.IsNull(item)
				continue
			}
			out = append(out, s)
		}
		if !bad {
			*p = out
		}
	}
}

// textMap decodes a mapping of names to scalars.
func textMap(p *map[string]string) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		v = yamlnode.Resolve(v)
		if yamlnode.IsNull(v) {
			return
		}
		if v.Kind != yaml.MappingNode {
			d.errorf(v, "%s: want a mapping of names to values, got %s", path, kindName(v))
			return
		}
		out := make(map[string]string, len(v.Content)/2)
		for i := 0; i+1 < len(v.Content); i += 2 {
			k := yamlnode.Resolve(v.Content[i])
			if k == nil || k.Kind != yaml.ScalarNode || k.Value == "" {
				d.errorf(v.Content[i], "%s: a key must be a name, not %s", path, kindName(k))
				continue
			}
			val := yamlnode.Resolve(v.Content[i+1])
			if yamlnode.IsNull(val) {
				out[k.Value] = ""
				continue
			}
			if s, ok := d.scalar(joinPath(path, k.Value), val, "a string"); ok {
				out[k.Value] = s
			}
		}
		*p = out
	}
}

// duration decodes a duration of at least min: Prometheus's form (1h30m,
// 500ms, 2d, 1w) or Go's (1.5s).
func duration(p *time.Duration, min time.Duration) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		s, ok := d.scalar(path, v, "a duration")
		if !ok || s == "" {
			return
		}
		t, err := parseDuration(s)
		switch {
		case err != nil:
			d.errorf(yamlnode.Resolve(v), "%s: %v", path, err)
		case t < 0:
			d.errorf(yamlnode.Resolve(v), "%s: %s is negative", path, s)
		case t < min:
			d.errorf(yamlnode.Resolve(v), "%s: %s is less than %s", path, s, min)
		default:
			*p = t
		}
	}
}

// millis decodes a whole number of milliseconds (Falco's form), or a
// duration.
func millis(p *time.Duration) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		s, ok := d.scalar(path, v, "a number of milliseconds")
		if !ok || s == "" {
			return
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			if n < 0 {
				d.errorf(yamlnode.Resolve(v), "%s: %d is negative", path, n)
				return
			}
			*p = time.Duration(n) * time.Millisecond
			return
		}
		duration(p, 0)(d, path, v)
	}
}
