package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/alert"
	"peregrine/internal/yamlnode"
)

// maxQueueCapacity bounds outputs_queue.capacity: past it a queue is no
// longer a bound worth the name.
const maxQueueCapacity = 1 << 24

// priority decodes a rule priority name.
func priority(p *alert.Priority) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		s, ok := d.scalar(path, v, "a priority")
		if !ok {
			return
		}
		pr, err := alert.ParsePriority(s)
		if err != nil {
			d.errorf(yamlnode.Resolve(v), "%s: %q is not a priority (emergency, alert, critical, error, warning, notice, informational, debug)", path, s)
			return
		}
		*p = pr
	}
}

// logLevels are the names log_level takes, as Falco's logger reads them.
var logLevels = []string{"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"}

// logLevel decodes a log level name (lower case; "informational" is read
// as info).
func logLevel(p *string) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		s, ok := d.scalar(path, v, "a log level")
		if !ok {
			return
		}
		l := strings.ToLower(s)
		if l == "informational" {
			l = "info"
		}
		for _, n := range logLevels {
			if l == n {
				*p = l
				return
			}
		}
		d.errorf(yamlnode.Resolve(v), "%s: %q is not a log level (%s)", path, s, strings.Join(logLevels, ", "))
	}
}

// queueCapacity decodes outputs_queue.capacity; Falco's 0 (unbounded)
// becomes the default bound, with a warning.
func queueCapacity(p *int) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		n := -1
		integer(&n, 0, maxQueueCapacity)(d, path, v)
		switch {
		case n == 0:
			d.warnf(yamlnode.Resolve(v), "%s: 0 means unbounded in Falco; Peregrine bounds every queue, to %d alerts", path, DefaultQueueCapacity)
			*p = DefaultQueueCapacity
		case n > 0:
			*p = n
		}
	}
}

// ringSize decodes peregrine.ring_size: a power of two of at least 4096.
func ringSize(p *int) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		n := -1
		integer(&n, 0, 1<<30)(d, path, v)
		switch {
		case n < 0:
		case n < 4096 || n&(n-1) != 0:
			d.errorf(yamlnode.Resolve(v), "%s: %d is not a power of two of at least 4096", path, n)
		default:
			*p = n
		}
	}
}

// headers decodes http_output.custom_headers: header names and values
// that fit in an HTTP request.
func headers(p *map[string]string) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		var m map[string]string
		textMap(&m)(d, path, v)
		if m == nil {
			return
		}
		v = yamlnode.Resolve(v)
		bad := false
		for i := 0; i+1 < len(v.Content); i += 2 {
			k := yamlnode.Resolve(v.Content[i])
			if k == nil || k.Kind != yaml.ScalarNode {
				continue
			}
			if msg := checkHeader(k.Value, m[k.Value]); msg != "" {
				d.errorf(k, "%s: %s", path, msg)
				bad = true
			}
		}
		if !bad {
			*p = m
		}
	}
}

// appendOutputs decodes append_output: a list of entries, each with an
// optional match, extra_output, extra_fields and suggested_output.
func appendOutputs(p *[]AppendOutput) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		v = yamlnode.Resolve(v)
		if yamlnode.IsNull(v) {
			return
		}
		if v.Kind != yaml.SequenceNode {
			d.errorf(v, "%s: want a list of entries, got %s", path, kindName(v))
			return
		}
		out := make([]AppendOutput, 0, len(v.Content))
		for i, item := range v.Content {
			var a AppendOutput
			ipath := fmt.Sprintf("%s[%d]", path, i)
			d.section(item, ipath, []field{
				{name: "match", sub: []field{
					{name: "source", leaf: text(&a.Match.Source, nil)},
					{name: "tags", leaf: textList(&a.Match.Tags)},
					{name: "rule", leaf: text(&a.Match.Rule, nil)},
				}},
				{name: "extra_output", leaf: text(&a.ExtraOutput, nil)},
				{name: "extra_fields", leaf: extraFields(&a.ExtraFields)},
				{name: "suggested_output", leaf: boolean(&a.SuggestedOutput)},
			})
			if a.Match.Rule != "" && len(a.Match.Tags) > 0 {
				d.warnf(yamlnode.Resolve(item), "%s: matches rule %q only, and only when it has every tag of %s", ipath, a.Match.Rule, strings.Join(a.Match.Tags, ", "))
			}
			out = append(out, a)
		}
		*p = out
	}
}

// extraFields decodes extra_fields: field names, or one-key mappings from
// a name to an output format. A name may appear once.
func extraFields(p *[]ExtraField) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		v = yamlnode.Resolve(v)
		if yamlnode.IsNull(v) {
			return
		}
		if v.Kind != yaml.SequenceNode {
			d.errorf(v, "%s: want a list of fields, got %s", path, kindName(v))
			return
		}
		seen := map[string]bool{}
		var out []ExtraField
		for i, item := range v.Content {
			ipath := fmt.Sprintf("%s[%d]", path, i)
			item = yamlnode.Resolve(item)
			var f ExtraField
			switch {
			case item != nil && item.Kind == yaml.ScalarNode && !yamlnode.IsNull(item):
				f.Name = item.Value
			case item != nil && item.Kind == yaml.MappingNode && len(item.Content) == 2:
				k := yamlnode.Resolve(item.Content[0])
				if k == nil || k.Kind != yaml.ScalarNode {
					d.errorf(item, "%s: want a field name or name: format, got %s", ipath, kindName(item))
					continue
				}
				fs, ok := d.scalar(joinPath(ipath, k.Value), item.Content[1], "an output format")
				if !ok {
					if yamlnode.IsNull(item.Content[1]) {
						d.errorf(k, "%s: the format of %q is empty", ipath, k.Value)
					}
					continue
				}
				f = ExtraField{Name: k.Value, Format: fs}
			default:
				d.errorf(item, "%s: want a field name or name: format, got %s", ipath, kindName(item))
				continue
			}
			if f.Name == "" {
				d.errorf(item, "%s: the name is empty", ipath)
				continue
			}
			if seen[f.Name] {
				d.errorf(item, "%s: %q is given twice", ipath, f.Name)
				continue
			}
			seen[f.Name] = true
			out = append(out, f)
		}
		*p = out
	}
}

// configFiles decodes config_files: a path, or a list of paths and
// {path, strategy} mappings.
func configFiles(p *[]ConfigFile) func(*decoder, string, *yaml.Node) {
	return func(d *decoder, path string, v *yaml.Node) {
		v = yamlnode.Resolve(v)
		if yamlnode.IsNull(v) {
			return
		}
		items := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			items = v.Content
		}
		out := make([]ConfigFile, 0, len(items))
		for i, item := range items {
			ipath := path
			if v.Kind == yaml.SequenceNode {
				ipath = fmt.Sprintf("%s[%d]", path, i)
			}
			cf := ConfigFile{Strategy: StrategyAppend}
			item = yamlnode.Resolve(item)
			switch {
			case yamlnode.IsNull(item):
				continue
			case item.Kind == yaml.ScalarNode:
				cf.Path = item.Value
			case item.Kind == yaml.MappingNode:
				d.section(item, ipath, []field{
					{name: "path", leaf: text(&cf.Path, nil)},
					{name: "strategy", leaf: oneOf(&cf.Strategy, StrategyAppend, StrategyOverride, StrategyAddOnly)},
				})
			default:
				d.errorf(item, "%s: want a path or a mapping with path and strategy, got %s", ipath, kindName(item))
				continue
			}
			if cf.Path == "" {
				d.errorf(item, "%s: the path is empty", ipath)
				continue
			}
			out = append(out, cf)
		}
		*p = out
	}
}
