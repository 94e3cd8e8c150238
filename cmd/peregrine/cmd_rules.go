package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"peregrine/internal/field"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

func newRulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Check and list Falco-language rule files",
		Long: `Work with rule files written in the Falco rule language (Falco's own files load
unchanged). PATH is a rule file or a directory, whose .yaml and .yml files are read
in lexicographic order; several PATHs are read in the order given, as Falco reads
its rules_files.`,
	}
	cmd.AddCommand(newRulesValidateCmd(), newRulesListCmd(), newRulesTestCmd())
	return cmd
}

func newRulesValidateCmd() *cobra.Command {
	var output string
	var strict bool
	cmd := &cobra.Command{
		Use:   "validate PATH... [-o text|json] [--strict]",
		Short: "Check rule files: every error and warning, with file:line:col",
		Long: `Load rule files and compile every rule and macro against the field catalog, as
Falco does when it starts (falco -V), and report every error and warning with the
file, line and column of the item at fault.

On success it prints a summary ("N rules, M macros, L lists") and exits 0; with
errors it prints them all and exits 1. --strict also fails on warnings, for CI.`,
		Example: `  peregrine rules validate /etc/falco/falco_rules.yaml my_rules.yaml
  peregrine rules validate rules.d/ --strict
  peregrine rules validate my_rules.yaml -o json | jq '.diagnostics[]'`,
		Args: needPaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError{fmt.Errorf("rules validate: -o %q: want text or json", output)}
			}
			res := validateRules(args)
			if err := writeValidation(cmd.OutOrStdout(), res, output); err != nil {
				return err
			}
			switch {
			case res.errors > 0:
				return fmt.Errorf("rules validate: %d errors", res.errors)
			case strict && res.warnings > 0:
				return fmt.Errorf("rules validate: %d warnings (--strict)", res.warnings)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail on warnings too")
	return cmd
}

// validation is what `rules validate` found.
type validation struct {
	Files       []string     `json:"files"`
	Rules       int          `json:"rules"`
	Macros      int          `json:"macros"`
	Lists       int          `json:"lists"`
	Diagnostics []diagnostic `json:"diagnostics"`
	errors      int
	warnings    int
}

type diagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	text     string
}

func validateRules(paths []string) *validation {
	res := &validation{Files: paths, Diagnostics: []diagnostic{}}
	spec, diags, err := loader.Load(paths...)
	if err == nil {
		more, _ := rules.Validate(spec, field.Default())
		diags = append(diags, more...)
	}
	if spec != nil {
		res.Rules, res.Macros, res.Lists = len(spec.Rules), len(spec.Macros), len(spec.Lists)
	}
	for _, d := range diags {
		res.Diagnostics = append(res.Diagnostics, diagnostic{
			File: d.Pos.File, Line: d.Pos.Line, Column: d.Pos.Column,
			Severity: d.Severity.String(), Message: d.Message, text: d.String(),
		})
		if d.Severity == rules.SeverityError {
			res.errors++
		} else {
			res.warnings++
		}
	}
	if err != nil && res.errors == 0 {
		// The loader failed without a diagnostic (an unreadable path).
		res.Diagnostics = append(res.Diagnostics, diagnostic{Severity: "error", Message: err.Error(), text: "error: " + err.Error()})
		res.errors++
	}
	return res
}

func writeValidation(w io.Writer, res *validation, output string) error {
	if output == "json" {
		return json.NewEncoder(w).Encode(res)
	}
	bw := bufio.NewWriter(w)
	for _, d := range res.Diagnostics {
		fmt.Fprintln(bw, d.text)
	}
	verdict := "valid"
	if res.errors > 0 {
		verdict = "invalid"
	}
	fmt.Fprintf(bw, "%s: %d rules, %d macros, %d lists; %d errors, %d warnings\n",
		verdict, res.Rules, res.Macros, res.Lists, res.errors, res.warnings)
	return bw.Flush()
}

func newRulesListCmd() *cobra.Command {
	var output, source string
	cmd := &cobra.Command{
		Use:   "list PATH... [--source S] [-o text|json]",
		Short: "List the rules of rule files with their priority, source and event types",
		Long: `Load and compile rule files and list their rules in rule order: name, priority,
source, whether enabled, the system calls each rule is tested on (its event-type
index: what the kernel filter will need) and tags. The files must validate.`,
		Example: `  peregrine rules list /etc/falco/falco_rules.yaml
  peregrine rules list rules.d/ -o json | jq -r '.[] | select(.enabled) | .name'`,
		Args: needPaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError{fmt.Errorf("rules list: -o %q: want text or json", output)}
			}
			list, err := listRules(args, source)
			if err != nil {
				return err
			}
			return writeRuleList(cmd.OutOrStdout(), list, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().StringVar(&source, "source", "", "list only the rules of this event source")
	return cmd
}

// ruleEntry is one rule of `rules list`.
type ruleEntry struct {
	Name       string   `json:"name"`
	Priority   string   `json:"priority"`
	Source     string   `json:"source"`
	Enabled    bool     `json:"enabled"`
	EventTypes []string `json:"event_types"`
	Tags       []string `json:"tags"`
	Desc       string   `json:"desc"`
	Position   string   `json:"position"`
}

func listRules(paths []string, source string) ([]ruleEntry, error) {
	spec, diags, err := loader.Load(paths...)
	if err != nil {
		return nil, errors.Join(err, diagnosticsError(diags))
	}
	cat := field.Default()
	if diags, err := rules.Validate(spec, cat); err != nil {
		return nil, errors.Join(err, diagnosticsError(diags))
	}
	entries := []ruleEntry{}
	for _, src := range cat.Sources() {
		if source != "" && src != source {
			continue
		}
		rs, _, err := rules.Compile(spec, rules.Options{Catalog: cat, Source: src})
		if err != nil {
			return nil, err
		}
		for _, r := range rs.Rules() {
			e := ruleEntry{Name: r.Name, Priority: r.Priority.String(), Source: r.Source, Enabled: r.Enabled,
				Tags: r.Tags, Desc: r.Desc, Position: r.Pos.String(), EventTypes: []string{}}
			if e.Tags == nil {
				e.Tags = []string{}
			}
			if src == field.SourceSyscall {
				seen := map[string]bool{}
				for _, t := range r.EventTypes() {
					if name := t.Name(); !seen[name] {
						seen[name] = true
						e.EventTypes = append(e.EventTypes, name)
					}
				}
			}
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// diagnosticsError turns the errors among diags into one error, one per line.
func diagnosticsError(diags []rules.Diagnostic) error {
	var lines []string
	for _, d := range diags {
		if d.Severity == rules.SeverityError {
			lines = append(lines, d.String())
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return errors.New(strings.Join(lines, "\n"))
}

func writeRuleList(w io.Writer, list []ruleEntry, output string) error {
	if output == "json" {
		return json.NewEncoder(w).Encode(list)
	}
	bw := bufio.NewWriter(w)
	width := len("NAME")
	for _, e := range list {
		width = max(width, len(e.Name))
	}
	fmt.Fprintf(bw, "%-*s  %-13s  %-14s  %-7s  %s\n", width, "NAME", "PRIORITY", "SOURCE", "ENABLED", "EVENT TYPES")
	for _, e := range list {
		types := strings.Join(e.EventTypes, ",")
		if len(e.EventTypes) > 8 {
			types = fmt.Sprintf("%d types", len(e.EventTypes))
		}
		if e.Source != field.SourceSyscall {
			types = "-"
		}
		enabled := "yes"
		if !e.Enabled {
			enabled = "no"
		}
		fmt.Fprintf(bw, "%-*s  %-13s  %-14s  %-7s  %s\n", width, e.Name, e.Priority, e.Source, enabled, types)
	}
	return bw.Flush()
}

// needPaths requires at least one PATH argument.
func needPaths(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return usageError{fmt.Errorf("%s: give at least one rule file or directory", cmd.CommandPath())}
	}
	return nil
}
