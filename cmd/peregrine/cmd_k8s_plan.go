package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/pod-security-admission/api"

	"peregrine/internal/psa"
)

// k8sPlanFlags are the flags of peregrine k8s label-plan.
type k8sPlanFlags struct {
	level            string
	version          string
	namespaces       []string
	patterns         []string
	output           string
	defaultNamespace string
}

// newK8sLabelPlanCmd is `peregrine k8s label-plan`.
func newK8sLabelPlanCmd() *cobra.Command {
	var f k8sPlanFlags
	cmd := &cobra.Command{
		Use:   "label-plan --level LEVEL [--version v1.N] [--namespace NS|--namespace-pattern GLOB] [-o kubectl|yaml] PATH...|-",
		Short: "Print the namespace labels that enforce a Pod Security level, and what they would reject",
		Long: `Print the pod-security.kubernetes.io/enforce and enforce-version labels that
enforce --level (at --version, latest by default) on namespaces, as kubectl
commands or as Namespace patches in YAML, and list, as comments, the workloads of
the given manifests whose pods admission would then reject, with the checks,
field paths and fixes.

The namespaces are those named with --namespace, or every namespace of the
manifests (Namespace objects and namespaces of workloads) matching
--namespace-pattern, or all of them. Exits 1 when some documents could not be
read (they are listed on standard error; the others are still used).`,
		Example: `  peregrine k8s label-plan --level restricted --namespace-pattern 'prod-*' manifests/
  kubectl get ns,deploy,ds,sts -A -o yaml | peregrine k8s label-plan --level baseline --version v1.30 -o yaml -`,
		Args: needManifests,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runK8sLabelPlan(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.level, "level", "", "level to enforce: privileged, baseline or restricted (required)")
	fl.StringVar(&f.version, "version", "latest", "policy version to pin: latest or v1.N")
	fl.StringArrayVar(&f.namespaces, "namespace", nil, "namespace to label (repeatable)")
	fl.StringArrayVar(&f.patterns, "namespace-pattern", nil, "glob choosing the namespaces of the manifests to label (repeatable)")
	fl.StringVarP(&f.output, "output", "o", "kubectl", "output format: kubectl or yaml")
	fl.StringVar(&f.defaultNamespace, "default-namespace", "default", "namespace of objects that name none")
	return cmd
}

// planOptions checks the flags.
func (f k8sPlanFlags) planOptions() (psa.PlanOptions, error) {
	opt := psa.PlanOptions{Namespaces: f.namespaces, Patterns: f.patterns, DefaultNamespace: f.defaultNamespace}
	if f.level == "" {
		return opt, fmt.Errorf("--level is required")
	}
	lvl, err := api.ParseLevel(f.level)
	if err != nil {
		return opt, fmt.Errorf("--level %q: %w", f.level, err)
	}
	v, err := api.ParseVersion(f.version)
	if err != nil {
		return opt, fmt.Errorf("--version %q: %w", f.version, err)
	}
	opt.Level, opt.Version = lvl, v
	if len(f.namespaces) > 0 && len(f.patterns) > 0 {
		return opt, fmt.Errorf("give --namespace or --namespace-pattern, not both")
	}
	if f.output != "kubectl" && f.output != "yaml" {
		return opt, fmt.Errorf("-o %q: want kubectl or yaml", f.output)
	}
	return opt, nil
}

// runK8sLabelPlan writes the label plan of the manifests at paths and
// lists on errw the documents that could not be read.
func runK8sLabelPlan(stdin io.Reader, w, errw io.Writer, paths []string, f k8sPlanFlags) error {
	opt, err := f.planOptions()
	if err != nil {
		return usageError{fmt.Errorf("k8s label-plan: %w", err)}
	}
	e, err := psa.NewEvaluator()
	if err != nil {
		return fmt.Errorf("k8s label-plan: %w", err)
	}
	in, err := psa.Load(paths, stdin)
	if err != nil {
		return fmt.Errorf("k8s label-plan: %w", err)
	}
	p := e.Plan(in, opt)
	if len(p.Namespaces) == 0 {
		return fmt.Errorf("k8s label-plan: no namespace chosen: the manifests name none matching; give --namespace")
	}
	if err := psa.WritePlan(w, p, f.output, api.LevelVersion{Level: opt.Level, Version: opt.Version}); err != nil {
		return fmt.Errorf("k8s label-plan: write plan: %w", err)
	}
	for _, de := range in.Errors {
		fmt.Fprintf(errw, "peregrine: k8s label-plan: %v\n", de)
	}
	if n := len(in.Errors); n > 0 {
		return fmt.Errorf("k8s label-plan: %d documents could not be read", n)
	}
	return nil
}
