package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/ruletest"
)

func newRulesTestCmd() *cobra.Command {
	var (
		rulePaths []string
		output    string
		coverage  bool
	)
	cmd := &cobra.Command{
		Use:   "test [--rules PATH]... CASES... [-o text|json] [--coverage]",
		Short: "Run rule test cases: events in, expected alerts out",
		Long: `Run rule test cases (YAML files, or directories of them; see docs/rule-tests.md).
Each case describes the processes and containers of a machine, a short sequence of
system call events written compactly (or a capture file), and the alerts it must
raise. The events go through the real state engine and rules; a case passes when
every expected alert occurs and no other alert does.

The rules are those given with --rules (files or directories, in order), or
Peregrine's embedded default rules. --coverage also lists, for every rule, how many
cases expect it to alert (positive) and how many of its event types expect it to
stay silent (negative), and fails when a rule lacks either.

Exits 1 when a case fails.`,
		Example: `  peregrine rules test rules/tests/
  peregrine rules test --rules rules/ rules/tests/cryptomining.yaml --coverage
  peregrine rules test --rules my_rules.yaml my_tests.yaml -o json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("%s: give at least one test file or directory", cmd.CommandPath())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError{fmt.Errorf("rules test: -o %q: want text or json", output)}
			}
			return runRuleTests(cmd.OutOrStdout(), rulePaths, args, output, coverage)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&rulePaths, "rules", nil, "rule file or directory (repeatable; default: the embedded rules)")
	f.StringVarP(&output, "output", "o", "text", "output format: text or json")
	f.BoolVar(&coverage, "coverage", false, "list positive and negative cases per rule; fail when a rule lacks one")
	return cmd
}

func runRuleTests(w io.Writer, rulePaths, casePaths []string, output string, coverage bool) error {
	spec, err := loadTestRules(rulePaths)
	if err != nil {
		return err
	}
	suites, err := ruletest.LoadPaths(casePaths)
	if err != nil {
		return fmt.Errorf("rules test: %w", err)
	}
	results := ruletest.Run(spec, suites)
	var cov []ruletest.Coverage
	if coverage {
		cov = ruletest.CoverageOf(spec, results)
	}
	if output == "json" {
		err = ruletest.WriteJSON(w, results, cov)
	} else {
		err = ruletest.WriteText(w, results, cov)
	}
	if err != nil {
		return err
	}
	if s := ruletest.Summarize(results); s.Failed > 0 {
		return fmt.Errorf("rules test: %d of %d cases failed", s.Failed, s.Cases)
	}
	for _, c := range cov {
		if !c.Covered() {
			return fmt.Errorf("rules test: rule %q has %d positive and %d negative cases (want one of each)", c.Rule, c.Positive, c.Negative)
		}
	}
	return nil
}

// loadTestRules loads the rules under test: the files given, or the
// embedded default rules.
func loadTestRules(paths []string) (*rules.Spec, error) {
	var l loader.Loader
	var (
		spec  *rules.Spec
		diags []rules.Diagnostic
		err   error
	)
	if len(paths) > 0 {
		spec, diags, err = l.Load(paths...)
	} else {
		files, rerr := embeddedRuleFiles()
		if rerr != nil {
			return nil, rerr
		}
		spec, diags, err = l.LoadFiles(files...)
	}
	if err != nil {
		if d := diagnosticsError(diags); d != nil {
			return nil, fmt.Errorf("rules do not load:\n%w", d)
		}
		return nil, err
	}
	return spec, nil
}
