package psa

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/pod-security-admission/api"
)

// Options tune an audit.
type Options struct {
	// DefaultNamespace is where objects without metadata.namespace go
	// (kubectl uses the context's namespace; "default" if empty).
	DefaultNamespace string
	// Require is the enforce level asked of the chosen namespaces; empty
	// asks nothing.
	Require api.Level
	// Patterns (globs on the name) and Selectors (labels) choose the
	// namespaces Require applies to; with neither it applies to all.
	Patterns  []string
	Selectors []Selector
}

// Selector matches a namespace label key=value.
type Selector struct{ Key, Value string }

// ParseSelector reads key=value.
func ParseSelector(s string) (Selector, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return Selector{}, fmt.Errorf("namespace selector %q: want key=value", s)
	}
	return Selector{Key: k, Value: v}, nil
}

// Input is what was read from the manifests.
type Input struct {
	Objects []Object
	Skipped int
	Errors  []*DecodeError
}

// Add appends the result of decoding one file.
func (in *Input) Add(objs []Object, skipped int, errs []*DecodeError) {
	in.Objects = append(in.Objects, objs...)
	in.Skipped += skipped
	in.Errors = append(in.Errors, errs...)
}

// metadataNameLabel is the label Kubernetes puts on every namespace.
const metadataNameLabel = "kubernetes.io/metadata.name"

// modes are the three label prefixes, in NamespaceReport.has order.
var modes = [3]string{"enforce", "audit", "warn"}

// Audit judges every workload of the input and every namespace.
func (e *Evaluator) Audit(in Input, opt Options) *Report {
	if opt.DefaultNamespace == "" {
		opt.DefaultNamespace = "default"
	}
	r := &Report{Errors: in.Errors, Skipped: in.Skipped, Objects: len(in.Objects)}
	if r.Errors == nil {
		r.Errors = []*DecodeError{}
	}
	byName := map[string]*NamespaceReport{}
	namespace := func(name string) *NamespaceReport {
		ns, ok := byName[name]
		if !ok {
			ns = &NamespaceReport{Name: name, labels: map[string]string{metadataNameLabel: name}}
			byName[name] = ns
			r.Namespaces = append(r.Namespaces, ns)
		}
		return ns
	}
	for _, o := range in.Objects {
		if o.Pod != nil {
			continue
		}
		ns := namespace(o.Name)
		src := o.Source
		ns.Known, ns.Source = true, &src
		for k, v := range o.Labels {
			ns.labels[k] = v
		}
	}
	for _, ns := range r.Namespaces {
		ns.readLabels()
	}
	for _, o := range in.Objects {
		if o.Pod == nil {
			continue
		}
		name := o.Namespace
		if name == "" {
			name = opt.DefaultNamespace
		}
		ns := namespace(name)
		ns.Workloads = append(ns.Workloads, e.judge(o, name, ns))
	}
	for _, ns := range r.Namespaces {
		ns.findings(opt)
	}
	sort.Slice(r.Namespaces, func(i, j int) bool { return r.Namespaces[i].Name < r.Namespaces[j].Name })
	return r
}

// readLabels parses the pod-security labels the way admission does.
func (ns *NamespaceReport) readLabels() {
	if !ns.Known {
		return
	}
	p, errs := labelPolicy(ns.labels)
	ns.policy = p
	for i, m := range modes {
		_, ns.has[i] = ns.labels["pod-security.kubernetes.io/"+m]
	}
	lvs := [3]api.LevelVersion{p.Enforce, p.Audit, p.Warn}
	dst := [3]*string{&ns.Enforce, &ns.Audit, &ns.Warn}
	for i := range modes {
		if ns.has[i] {
			*dst[i] = lvs[i].String()
		}
	}
	for _, err := range errs {
		ns.Findings = append(ns.Findings, Finding{
			Rule: RuleLabelInvalid, Severity: SeverityMedium,
			Message: fmt.Sprintf("invalid pod security label: %v (admission falls back to restricted:latest for an invalid level, latest for an invalid version)", err),
			Fix:     "set the level to privileged, baseline or restricted and the version to latest or v1.N",
		})
	}
}

// labelPolicy reads the pod-security labels as admission does: a mode
// without a label is privileged at latest.
func labelPolicy(labels map[string]string) (api.Policy, field.ErrorList) {
	privileged := api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()}
	return api.PolicyToEvaluate(labels, api.Policy{Enforce: privileged, Audit: privileged, Warn: privileged})
}

// matchAny reports whether name matches one of the globs.
func matchAny(globs []string, name string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

// requiredBy reports whether the options ask a level of this namespace.
func (ns *NamespaceReport) requiredBy(opt Options) bool {
	if opt.Require == "" {
		return false
	}
	if len(opt.Patterns) == 0 && len(opt.Selectors) == 0 {
		return true
	}
	if matchAny(opt.Patterns, ns.Name) {
		return true
	}
	for _, s := range opt.Selectors {
		if v, ok := ns.labels[s.Key]; ok && v == s.Value {
			return true
		}
	}
	return false
}

// findings adds the namespace's own findings.
func (ns *NamespaceReport) findings(opt Options) {
	required := ns.requiredBy(opt)
	want := api.LevelBaseline
	if required {
		ns.Required = opt.Require
		want = opt.Require
	}
	label := fmt.Sprintf("kubectl label ns %s pod-security.kubernetes.io/enforce=%s", ns.Name, want)
	switch {
	case !ns.Known:
		sev := SeverityLow
		if required {
			sev = SeverityMedium
		}
		ns.Findings = append(ns.Findings, Finding{
			Rule: RuleUnknownNS, Severity: sev,
			Message: fmt.Sprintf("namespace %s is not in the input: its pod security labels are unknown, so whether admission would reject these workloads is unknown", ns.Name),
			Fix:     "add the Namespace manifest to the audited files",
		})
	case !ns.has[0]:
		sev := SeverityMedium
		if required {
			sev = SeverityHigh
		}
		ns.Findings = append(ns.Findings, Finding{
			Rule: RuleNoEnforce, Severity: sev,
			Message: fmt.Sprintf("namespace %s has no pod-security.kubernetes.io/enforce label: admission lets any pod in", ns.Name),
			Fix:     label,
		})
	case required && api.CompareLevels(ns.policy.Enforce.Level, opt.Require) < 0:
		ns.Findings = append(ns.Findings, Finding{
			Rule: RuleEnforceWeaker, Severity: SeverityHigh,
			Message: fmt.Sprintf("namespace %s enforces %s, weaker than the required %s", ns.Name, ns.policy.Enforce.Level, opt.Require),
			Fix:     label + " --overwrite",
		})
	}
}

// judge evaluates one workload in its namespace.
func (e *Evaluator) judge(o Object, nsName string, ns *NamespaceReport) *Workload {
	v := api.LatestVersion()
	if ns.Known && ns.has[0] {
		v = ns.policy.Enforce.Version
	}
	meta, spec := o.Pod.Meta, o.Pod.Spec
	w := &Workload{Source: o.Source, Kind: o.Kind, Name: o.Name, Namespace: nsName, Version: v.String(), Meets: e.Meets(v, meta, spec)}
	rejectedRestricted := false
	if ns.Known {
		lvs := [3]api.LevelVersion{ns.policy.Enforce, ns.policy.Audit, ns.policy.Warn}
		for i, m := range modes {
			if !ns.has[i] {
				continue
			}
			ok := e.Allowed(lvs[i], meta, spec)
			w.Admission = append(w.Admission, Admission{Mode: m, Policy: lvs[i].String(), Allowed: ok})
			if i == 0 && !ok && lvs[i].Level == api.LevelRestricted {
				rejectedRestricted = true
			}
		}
	}
	if w.Meets == api.LevelRestricted {
		return w
	}
	seen := map[string]bool{}
	w.Violations = e.locate(w.Violations, o.Pod, v, e.Evaluate(api.LevelVersion{Level: api.LevelBaseline, Version: v}, meta, spec), SeverityHigh, seen)
	restrictedSev := SeverityMedium
	if rejectedRestricted {
		restrictedSev = SeverityHigh
	}
	var restricted []Failure
	for _, f := range e.Evaluate(api.LevelVersion{Level: api.LevelRestricted, Version: v}, meta, spec) {
		if f.Level != api.LevelBaseline { // baseline ones are reported above
			restricted = append(restricted, f)
		}
	}
	w.Violations = e.locate(w.Violations, o.Pod, v, restricted, restrictedSev, seen)
	return w
}

// locate appends to dst a violation of severity sev for each field that
// the failures point at in pod, judged at version v; a field already in
// seen (reported by an earlier failure) is not repeated.
func (e *Evaluator) locate(dst []Violation, pod *PodTemplate, v api.Version, failures []Failure, sev Severity, seen map[string]bool) []Violation {
	for _, f := range failures {
		for _, loc := range e.Locate(f, v, pod) {
			if seen[loc.Path] {
				continue
			}
			seen[loc.Path] = true
			dst = append(dst, Violation{
				Check: string(f.Check), Level: f.Level, Severity: sev,
				Reason: f.Reason, Detail: f.Detail, Path: loc.Path, Line: pod.Line(loc.Path), Fix: loc.Fix,
			})
		}
	}
	return dst
}
