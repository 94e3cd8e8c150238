package psa

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"

	"k8s.io/pod-security-admission/api"
)

// PlanOptions say which level to enforce where.
type PlanOptions struct {
	Level   api.Level
	Version api.Version
	// Namespaces names the namespaces to label; when empty, every
	// namespace of the input matching Patterns (all when no pattern).
	Namespaces []string
	Patterns   []string
	// DefaultNamespace is where objects without metadata.namespace go.
	DefaultNamespace string
}

// Plan is the label change and its consequences.
type Plan struct {
	Policy     string           `json:"policy"` // level:version
	Namespaces []*PlanNamespace `json:"namespaces"`
}

// PlanNamespace is one namespace to label.
type PlanNamespace struct {
	Name string `json:"name"`
	// Current is the enforce policy the labels set now, empty if none or
	// unknown.
	Current string `json:"current,omitempty"`
	Known   bool   `json:"known"`
	// Rejected are the workloads whose pods admission would then reject.
	Rejected []*Workload `json:"rejected,omitempty"`
	// Allowed counts the workloads that would still be admitted.
	Allowed int `json:"allowed"`
}

// Plan computes the labels that enforce opt.Level and the workloads of the
// input that would then be rejected.
func (e *Evaluator) Plan(in Input, opt PlanOptions) *Plan {
	if opt.DefaultNamespace == "" {
		opt.DefaultNamespace = "default"
	}
	lv := api.LevelVersion{Level: opt.Level, Version: opt.Version}
	p := &Plan{Policy: lv.String()}
	byName := map[string]*PlanNamespace{}
	chosen := func(name string) bool {
		if len(opt.Namespaces) > 0 {
			return slices.Contains(opt.Namespaces, name)
		}
		return len(opt.Patterns) == 0 || matchAny(opt.Patterns, name)
	}
	get := func(name string) *PlanNamespace {
		ns, ok := byName[name]
		if !ok {
			ns = &PlanNamespace{Name: name}
			byName[name] = ns
			p.Namespaces = append(p.Namespaces, ns)
		}
		return ns
	}
	for _, name := range opt.Namespaces {
		get(name)
	}
	for _, o := range in.Objects {
		if o.Pod != nil || !chosen(o.Name) {
			continue
		}
		ns := get(o.Name)
		ns.Known = true
		if _, ok := o.Labels[api.EnforceLevelLabel]; ok {
			pol, _ := labelPolicy(o.Labels)
			ns.Current = pol.Enforce.String()
		}
	}
	for _, o := range in.Objects {
		if o.Pod == nil {
			continue
		}
		name := o.Namespace
		if name == "" {
			name = opt.DefaultNamespace
		}
		if !chosen(name) {
			continue
		}
		ns := get(name)
		failures := e.Evaluate(lv, o.Pod.Meta, o.Pod.Spec)
		if len(failures) == 0 {
			ns.Allowed++
			continue
		}
		w := &Workload{Source: o.Source, Kind: o.Kind, Name: o.Name, Namespace: name, Version: opt.Version.String(),
			Meets: e.Meets(opt.Version, o.Pod.Meta, o.Pod.Spec)}
		w.Violations = e.locate(nil, o.Pod, opt.Version, failures, SeverityHigh, map[string]bool{})
		ns.Rejected = append(ns.Rejected, w)
	}
	sort.Slice(p.Namespaces, func(i, j int) bool { return p.Namespaces[i].Name < p.Namespaces[j].Name })
	return p
}

// WritePlan prints the plan as kubectl commands (format "kubectl") or as
// Namespace patches in YAML (format "yaml"); the consequences are comments
// so that the output can be run or applied as it is.
func WritePlan(w io.Writer, p *Plan, format string, lv api.LevelVersion) error {
	b := bufio.NewWriter(w)
	rejected := 0
	for _, ns := range p.Namespaces {
		rejected += len(ns.Rejected)
	}
	fmt.Fprintf(b, "# Enforce Pod Security level %s (version %s) on %d namespaces; %d workloads would have their pods rejected.\n",
		lv.Level, lv.Version, len(p.Namespaces), rejected)
	if format == "kubectl" {
		b.WriteString("# Try it first with --dry-run=server: the API server then warns about existing pods that violate the level.\n")
	}
	for i, ns := range p.Namespaces {
		b.WriteString("\n")
		writePlanComments(b, ns)
		switch format {
		case "yaml":
			if i > 0 {
				b.WriteString("---\n")
			}
			fmt.Fprintf(b, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels:\n", ns.Name)
			fmt.Fprintf(b, "    %s: %s\n    %s: %s\n", api.EnforceLevelLabel, lv.Level, api.EnforceVersionLabel, lv.Version)
		default:
			fmt.Fprintf(b, "kubectl label --overwrite namespace %s %s=%s %s=%s\n", ns.Name,
				api.EnforceLevelLabel, lv.Level, api.EnforceVersionLabel, lv.Version)
		}
	}
	return b.Flush()
}

func writePlanComments(b *bufio.Writer, ns *PlanNamespace) {
	switch {
	case !ns.Known:
		fmt.Fprintf(b, "# namespace %s: not in the manifests; its current labels are unknown\n", ns.Name)
	case ns.Current == "":
		fmt.Fprintf(b, "# namespace %s: enforces nothing now\n", ns.Name)
	default:
		fmt.Fprintf(b, "# namespace %s: enforces %s now\n", ns.Name, ns.Current)
	}
	if len(ns.Rejected) == 0 {
		fmt.Fprintf(b, "# all %d workloads in the manifests would be admitted\n", ns.Allowed)
		return
	}
	fmt.Fprintf(b, "# would be rejected (%d; %d admitted):\n", len(ns.Rejected), ns.Allowed)
	for _, wl := range ns.Rejected {
		fmt.Fprintf(b, "#   %s %s (%v), meets %s:\n", wl.Kind, wl.Name, wl.Source, wl.Meets)
		for _, v := range wl.Violations {
			at := v.Path
			if v.Line > 0 {
				at += fmt.Sprintf(" (line %d)", v.Line)
			}
			fmt.Fprintf(b, "#     %s: %s at %s; fix: %s\n", v.Check, v.Reason, at, v.Fix)
		}
	}
}
