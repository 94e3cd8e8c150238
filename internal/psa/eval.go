package psa

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// idMark separates the check ID that a wrapped check writes in front of its
// forbidden reason from the library's reason.
const idMark = "\x00"

// Evaluator runs the library's Pod Security Standards checks and tells
// which check produced each failure. It holds no mutable state: one
// Evaluator may be used from several goroutines.
type Evaluator struct {
	all policy.Evaluator
	// single holds one evaluator per check, used to ask one check about a
	// reduced pod spec when locating the offending fields.
	single map[policy.CheckID]policy.Evaluator
	levels map[policy.CheckID]api.Level
}

// Failure is one check that forbids a pod at a level and version.
type Failure struct {
	Check  policy.CheckID
	Level  api.Level // the check's own level: baseline or restricted
	Reason string
	Detail string
}

// NewEvaluator builds an Evaluator over policy.DefaultChecks.
func NewEvaluator() (*Evaluator, error) {
	checks := policy.DefaultChecks()
	tagged := make([]policy.Check, len(checks))
	e := &Evaluator{single: map[policy.CheckID]policy.Evaluator{}, levels: map[policy.CheckID]api.Level{}}
	for i, c := range checks {
		tagged[i] = tagCheck(c)
		one, err := policy.NewEvaluator([]policy.Check{tagged[i]}, nil)
		if err != nil {
			return nil, fmt.Errorf("pod security check %s: %w", c.ID, err)
		}
		e.single[c.ID] = one
		e.levels[c.ID] = c.Level
	}
	all, err := policy.NewEvaluator(tagged, nil)
	if err != nil {
		return nil, fmt.Errorf("pod security checks: %w", err)
	}
	e.all = all
	return e, nil
}

// tagCheck wraps every version of a check so that its result starts with
// the check ID; the evaluator's version selection and overrides are
// untouched.
func tagCheck(c policy.Check) policy.Check {
	out := c
	out.Versions = make([]policy.VersionedCheck, len(c.Versions))
	for i, v := range c.Versions {
		fn, id := v.CheckPod, c.ID
		v.CheckPod = func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) policy.CheckResult {
			r := fn(meta, spec)
			r.ForbiddenReason = string(id) + idMark + r.ForbiddenReason
			return r
		}
		out.Versions[i] = v
	}
	return out
}

// Evaluate returns the checks that forbid the pod at lv, in the library's
// order (baseline checks first, then restricted, by ID).
func (e *Evaluator) Evaluate(lv api.LevelVersion, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []Failure {
	return e.failures(e.all.EvaluatePod(lv, meta, spec))
}

// Allowed reports whether the pod passes lv.
func (e *Evaluator) Allowed(lv api.LevelVersion, meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
	for _, r := range e.all.EvaluatePod(lv, meta, spec) {
		if !r.Allowed {
			return false
		}
	}
	return true
}

// checkAllows asks a single check about a pod at version v; unknown checks
// allow everything.
func (e *Evaluator) checkAllows(id policy.CheckID, v api.Version, meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
	one, ok := e.single[id]
	if !ok {
		return true
	}
	for _, r := range one.EvaluatePod(api.LevelVersion{Level: e.levels[id], Version: v}, meta, spec) {
		if !r.Allowed {
			return false
		}
	}
	return true
}

// failures turns the library's results into the checks that forbid, each
// with the check ID its wrapper wrote in front of the reason.
func (e *Evaluator) failures(results []policy.CheckResult) []Failure {
	var out []Failure
	for _, r := range results {
		if r.Allowed {
			continue
		}
		id, reason, _ := strings.Cut(r.ForbiddenReason, idMark)
		out = append(out, Failure{
			Check:  policy.CheckID(id),
			Level:  e.levels[policy.CheckID(id)],
			Reason: reason,
			Detail: r.ForbiddenDetail,
		})
	}
	return out
}

// Meets returns the highest level the pod passes at version v.
func (e *Evaluator) Meets(v api.Version, meta *metav1.ObjectMeta, spec *corev1.PodSpec) api.Level {
	switch {
	case e.Allowed(api.LevelVersion{Level: api.LevelRestricted, Version: v}, meta, spec):
		return api.LevelRestricted
	case e.Allowed(api.LevelVersion{Level: api.LevelBaseline, Version: v}, meta, spec):
		return api.LevelBaseline
	}
	return api.LevelPrivileged
}
