package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/pod-security-admission/api"

	"peregrine/internal/psa"
)

// newK8sCmd is `peregrine k8s`, the parent of audit and label-plan.
func newK8sCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "k8s",
		Short: "Kubernetes: Pod Security Standards audit of manifests and namespace label plans",
	}
	cmd.AddCommand(newK8sAuditCmd(), newK8sLabelPlanCmd())
	return cmd
}

// needManifests checks that the k8s commands are given manifests to read.
func needManifests(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return usageError{fmt.Errorf("%s: give at least one manifest file, directory or -", cmd.CommandPath())}
	}
	return nil
}

// k8sAuditFlags are the flags of peregrine k8s audit.
type k8sAuditFlags struct {
	output           string
	require          string
	patterns         []string
	selectors        []string
	defaultNamespace string
	failOn           string
}

// newK8sAuditCmd is `peregrine k8s audit PATH...|-`.
func newK8sAuditCmd() *cobra.Command {
	var f k8sAuditFlags
	cmd := &cobra.Command{
		Use:   "audit PATH...|-",
		Short: "Check Kubernetes manifests against the Baseline and Restricted Pod Security Standards",
		Long: `Read Kubernetes manifests (YAML or JSON files, directories of them, or - for
standard input; several documents per file, List objects as kubectl get -o yaml
prints them, Helm-rendered output) and judge every pod template (Pod, Deployment,
StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController,
PodTemplate) with the Kubernetes pod-security-admission library at the Baseline
and Restricted levels.

For each workload the report gives the highest level it meets, each violation
with its check, the exact field path and a fix, and what its namespace's
pod-security.kubernetes.io/{enforce,audit,warn} labels would do with its pods.
Violations are judged at the namespace's enforce-version, or latest. Namespaces
without an enforce label, with invalid labels, or enforcing less than --require
(for the namespaces chosen by --namespace-pattern or --namespace-selector; all of
them when neither is given) are findings too; a namespace that is not in the
input has unknown labels.

Severities: high for Baseline violations, Restricted violations in a namespace
that enforces Restricted, and required namespaces that enforce too little;
medium for other Restricted violations, namespaces without an enforce label and
invalid labels; low for namespaces not in the input.

Documents that cannot be read (malformed YAML, unknown kinds, missing specs) are
reported with their file, document and line; the others are still audited.
Exits 1 when such errors happened or when there are findings at or above
--fail-on.`,
		Example: `  peregrine k8s audit deploy/
  helm template ./chart | peregrine k8s audit -
  kubectl get ns,deploy,ds,sts,cronjob -A -o yaml | peregrine k8s audit - --require restricted --namespace-selector env=production
  peregrine k8s audit -o sarif --fail-on medium manifests/ > psa.sarif`,
		Args: needManifests,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runK8sAudit(cmd.InOrStdin(), cmd.OutOrStdout(), args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text, json or sarif")
	fl.StringVar(&f.require, "require", "", "enforce level required of the chosen namespaces: baseline or restricted")
	fl.StringArrayVar(&f.patterns, "namespace-pattern", nil, "glob choosing the namespaces --require applies to (repeatable)")
	fl.StringArrayVar(&f.selectors, "namespace-selector", nil, "key=value label choosing the namespaces --require applies to (repeatable)")
	fl.StringVar(&f.defaultNamespace, "default-namespace", "default", "namespace of objects that name none")
	fl.StringVar(&f.failOn, "fail-on", "high", "exit 1 on findings of this severity or above: high, medium, low or never")
	return cmd
}

// auditOptions checks the flags and turns them into psa.Options.
func (f k8sAuditFlags) auditOptions() (psa.Options, psa.Severity, error) {
	opt := psa.Options{DefaultNamespace: f.defaultNamespace, Patterns: f.patterns}
	switch f.output {
	case "text", "json", "sarif":
	default:
		return opt, 0, fmt.Errorf("-o %q: want text, json or sarif", f.output)
	}
	if f.require != "" {
		lvl, err := api.ParseLevel(f.require)
		if err != nil {
			return opt, 0, fmt.Errorf("--require %q: %w", f.require, err)
		}
		opt.Require = lvl
	}
	if (len(f.patterns) > 0 || len(f.selectors) > 0) && f.require == "" {
		return opt, 0, errors.New("--namespace-pattern and --namespace-selector choose namespaces for --require: give --require too")
	}
	for _, s := range f.selectors {
		sel, err := psa.ParseSelector(s)
		if err != nil {
			return opt, 0, err
		}
		opt.Selectors = append(opt.Selectors, sel)
	}
	var failOn psa.Severity
	if f.failOn != "never" {
		sev, err := psa.ParseSeverity(f.failOn)
		if err != nil {
			return opt, 0, fmt.Errorf("--fail-on: %w (or never)", err)
		}
		failOn = sev
	}
	return opt, failOn, nil
}

// runK8sAudit audits the manifests at paths and writes the report in the
// format of f; its error carries the exit status (see auditOutcome).
func runK8sAudit(stdin io.Reader, w io.Writer, paths []string, f k8sAuditFlags) error {
	opt, failOn, err := f.auditOptions()
	if err != nil {
		return usageError{fmt.Errorf("k8s audit: %w", err)}
	}
	e, err := psa.NewEvaluator()
	if err != nil {
		return fmt.Errorf("k8s audit: %w", err)
	}
	in, err := psa.Load(paths, stdin)
	if err != nil {
		return fmt.Errorf("k8s audit: %w", err)
	}
	r := e.Audit(in, opt)
	switch f.output {
	case "json":
		err = psa.WriteJSON(w, r)
	case "sarif":
		err = psa.WriteSARIF(w, r, version)
	default:
		err = psa.WriteText(w, r)
	}
	if err != nil {
		return fmt.Errorf("k8s audit: write report: %w", err)
	}
	return auditOutcome(r, failOn)
}

// auditOutcome is the error that makes the exit code say what happened.
func auditOutcome(r *psa.Report, failOn psa.Severity) error {
	var problems []string
	if n := len(r.Errors); n > 0 {
		problems = append(problems, fmt.Sprintf("%d documents could not be audited", n))
	}
	if failOn > 0 {
		if n := r.Count(failOn); n > 0 {
			problems = append(problems, fmt.Sprintf("%d findings at or above %s", n, failOn))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("k8s audit: %s", strings.Join(problems, "; "))
}
