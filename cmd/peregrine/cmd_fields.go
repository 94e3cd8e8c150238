package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
	"peregrine/internal/state"
)

func newFieldsCmd() *cobra.Command {
	var source, output string
	cmd := &cobra.Command{
		Use:   "fields [--source S] [-o text|json] [FILTER]",
		Short: "List the fields that rule conditions and outputs can use",
		Long: `List the fields of the rule language (proc.name, fd.name, ka.verb, ct.name ...):
name, type, argument, flags and what the field gives, grouped by event source and
class. The catalog is Falco 0.44's: libsinsp's syscall fields with those of the
container and k8smeta plugins, and the fields of the k8saudit, cloudtrail and json
plugins for the k8s_audit and aws_cloudtrail sources.

FILTER keeps the fields whose name contains it, or, when it holds * ? or [ ], the
fields whose whole name matches it as a glob (evt.*, proc.?name). --source keeps
one source: syscall, k8s_audit, aws_cloudtrail, aws_guardduty or compute.

ARG is optional or required for fields that take an argument, written
field[arg] (proc.aname[2], proc.env[HOME]); the dot-arg flag means it can also be
written field.arg (evt.arg.fd, k8s.pod.label.app). The other flags: filter-only
(conditions only), print-only (outputs only), table-only (not in rules),
no-rhs (not on the right of a field comparison), no-transformer, deprecated.

These are the fields rules may name. The VALUES column (the implemented member
in JSON) says which of them Peregrine gives values for: "yes" for the syscall
fields the state engine extracts and the fields the document sources
(k8s_audit, aws_cloudtrail, aws_guardduty, compute) read from their events,
"not yet" for those whose data it does not have (DNS names, the k8smeta
plugin's Kubernetes metadata ...). Rules that use a field without values
still load; its checks are false.`,
		Example: `  peregrine fields
  peregrine fields proc.a
  peregrine fields --source k8s_audit 'ka.req.pod.*'
  peregrine fields -o json | jq -r '.[] | select(.flags | index("deprecated")) | .name'`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("fields: one FILTER at most, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError{fmt.Errorf("fields: -o %q: want text or json", output)}
			}
			sel := fieldSelection{source: source}
			if len(args) == 1 {
				sel.filter = args[0]
			}
			fields, err := sel.apply(field.Default())
			if err != nil {
				return usageError{fmt.Errorf("fields: %w", err)}
			}
			return writeFields(cmd.OutOrStdout(), fields, output, implementedField(documentSources()))
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "list only the fields of this event source")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

// implementedField tells whether Peregrine gives values for a field: the
// state engine for syscall fields, the source's Def for the document
// sources in defs; the fields of other sources have none.
func implementedField(defs map[string]*docsrc.Def) func(*field.Field) bool {
	return func(f *field.Field) bool {
		if def, ok := defs[f.Source]; ok {
			return docsrc.Implemented(def, f)
		}
		return state.Implemented(f)
	}
}

// fieldSelection chooses fields of a catalog by source and name.
type fieldSelection struct {
	source string // "" for every source
	filter string // a substring of the name, or a glob when it has * ? [
}

// apply returns the selected fields, without hidden ones, sorted by
// source (syscall first), class and name. An unknown source or a malformed glob is an
// error.
func (s fieldSelection) apply(c *field.Catalog) ([]*field.Field, error) {
	if s.source != "" && !slices.Contains(c.Sources(), s.source) {
		return nil, fmt.Errorf("unknown source %q; the sources are %s", s.source, strings.Join(c.Sources(), ", "))
	}
	glob := strings.ContainsAny(s.filter, "*?[")
	if glob {
		if _, err := path.Match(s.filter, ""); err != nil {
			return nil, fmt.Errorf("filter %q: %w", s.filter, err)
		}
	}
	var out []*field.Field
	for _, f := range c.Fields(s.source) {
		if f.Flags&field.Hidden != 0 {
			continue
		}
		if glob {
			if ok, _ := path.Match(s.filter, f.Name); !ok {
				continue
			}
		} else if !strings.Contains(f.Name, s.filter) {
			continue
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Source != b.Source {
			// The syscall source first, the others by name.
			if (a.Source == field.SourceSyscall) != (b.Source == field.SourceSyscall) {
				return a.Source == field.SourceSyscall
			}
			return a.Source < b.Source
		}
		return a.Class < b.Class
	})
	return out, nil
}

// fieldJSON is one field in `peregrine fields -o json`.
type fieldJSON struct {
	Name        string   `json:"name"`
	Source      string   `json:"source"`
	Class       string   `json:"class"`
	Type        string   `json:"type"`
	List        bool     `json:"list"`
	Arg         string   `json:"arg"`
	Flags       []string `json:"flags"`
	Description string   `json:"description"`
	Implemented *bool    `json:"implemented,omitempty"`
}

// writeFields prints fields as text or JSON. implemented, when not nil,
// tells which fields an event source gives values for; they are marked in
// an extra column (text) or member (JSON).
func writeFields(w io.Writer, fields []*field.Field, output string, implemented func(*field.Field) bool) error {
	bw := bufio.NewWriter(w)
	if output == "json" {
		out := make([]fieldJSON, 0, len(fields))
		for _, f := range fields {
			j := fieldJSON{f.Name, f.Source, f.Class, f.Type.String(), f.List, f.Arg.String(), f.Flags.Names(), f.Desc, nil}
			if j.Flags == nil {
				j.Flags = []string{}
			}
			if implemented != nil {
				yes := implemented(f)
				j.Implemented = &yes
			}
			out = append(out, j)
		}
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
		return bw.Flush()
	}

	// Text: one header, then a block per source and class, the columns
	// aligned across the whole list.
	rows := make([][]string, len(fields))
	header := []string{"FIELD", "TYPE", "ARG", "FLAGS"}
	if implemented != nil {
		header = append(header, "VALUES")
	}
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = len(h)
	}
	for i, f := range fields {
		arg, flags := "-", "-"
		if f.Arg != field.ArgNone {
			arg = f.Arg.String()
		}
		if f.Flags != 0 {
			flags = strings.Join(f.Flags.Names(), ",")
		}
		rows[i] = []string{f.Name, typeName(f), arg, flags}
		if implemented != nil {
			values := "not yet"
			if implemented(f) {
				values = "yes"
			}
			rows[i] = append(rows[i], values)
		}
		for c, cell := range rows[i] {
			widths[c] = max(widths[c], len(cell))
		}
	}
	line := func(cells []string, desc string) {
		bw.WriteString("  ")
		for c, cell := range cells {
			fmt.Fprintf(bw, "%-*s  ", widths[c], cell)
		}
		bw.WriteString(desc)
		bw.WriteByte('\n')
	}
	if len(fields) > 0 {
		line(header, "DESCRIPTION")
	}
	for i, f := range fields {
		if i == 0 || f.Source != fields[i-1].Source || f.Class != fields[i-1].Class {
			fmt.Fprintf(bw, "\n%s: %s\n", f.Source, f.Class)
		}
		line(rows[i], f.Desc)
	}
	return bw.Flush()
}

// typeName is the libs name of a field's type, LIST(...) around it for a
// list field.
func typeName(f *field.Field) string {
	if f.List {
		return "LIST(" + f.Type.String() + ")"
	}
	return f.Type.String()
}
