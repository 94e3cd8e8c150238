package main

import "fmt"

// rulesInEffect names the rules the agent runs, source by source, for
// its startup line: "30 syscall rules, 4 k8s_audit rules (webhook on
// /k8s-audit), 2 compute rules" or, for a source that is not on,
// "k8s_audit webhook off", "compute sampler off".
func rulesInEffect(syscall int, k8s *docWebhook, cs *computeRun) string {
	s := ruleCount(syscall, "syscall")
	if k8s != nil {
		s += ", " + ruleCount(k8s.rules.active(), "k8s_audit") + " (webhook on " + k8s.path + ")"
	} else {
		s += ", k8s_audit webhook off"
	}
	if cs != nil {
		s += ", " + ruleCount(cs.rules.active(), "compute")
	} else {
		s += ", compute sampler off"
	}
	return s
}

// ruleCount is "1 compute rule", "2 compute rules".
func ruleCount(n int, source string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s rule", source)
	}
	return fmt.Sprintf("%d %s rules", n, source)
}
