package incident

import "strings"

// miningRules are rule names that mean mining whatever their tags:
// Peregrine's syscall rules and the names of GuardDuty's mining findings.
var miningRules = []string{
	"Crypto miner launched",
	"Outbound connection to crypto mining pool port",
	"Stratum mining protocol sent",
	"MSR module loaded for mining",
	"Detect crypto miners using the Stratum protocol",
	"Detect outbound connections to common miner pool ports",
}

// miningMarks are texts that mean mining in a rule name or in a GuardDuty
// finding type (case-insensitive).
var miningMarks = []string{"cryptocurrency:", "bitcointool", "bitcoindomainrequest", "cryptominer", "crypto miner", "mining pool"}

// networkMarks put a GuardDuty finding or an alert in the network
// category by its type or rule name (case-insensitive).
var networkMarks = []string{"bitcointool", "bitcoindomainrequest", "!dns", "dns request", "dns_request", "network_connection", "c&cactivity", "connection", "stratum", "pool"}

// typeFields name the fields that carry a GuardDuty finding type and
// action type.
var typeFields = []string{"guardduty.type", "guardduty.action.type"}

// classify sets the category, the mining mark and the keys of s.
func classify(s *Signal) {
	kind := findingType(s)
	s.Mining = isMining(s, kind)
	s.Category = categoryOf(s, kind)
	s.Keys = keysOf(s)
}

// findingType returns the GuardDuty finding and action types of s, if
// any, in one text.
func findingType(s *Signal) string {
	var out []string
	for _, n := range typeFields {
		if v, ok := s.Field(n); ok {
			out = append(out, v)
		}
	}
	return strings.Join(out, " ")
}

// isMining reports whether s says mining by a tag, its rule name or its
// finding type.
func isMining(s *Signal, kind string) bool {
	for _, t := range s.Tags {
		if strings.EqualFold(t, "cryptomining") || strings.EqualFold(t, "T1496") {
			return true
		}
	}
	for _, r := range miningRules {
		if s.Rule == r {
			return true
		}
	}
	return containsAny(strings.ToLower(s.Rule+" "+kind), miningMarks)
}

// categoryOf puts s in a category: by source first, then for GuardDuty
// and syscall alerts by type, rule name, tags and fields.
func categoryOf(s *Signal, kind string) Category {
	src := strings.ToLower(s.Source)
	switch {
	case src == "cost":
		return CategoryCost
	case src == "aws_cloudtrail":
		return CategoryControlPlane
	case strings.HasPrefix(src, "compute") || hasTag(s, "compute") || hasTag(s, "cpu"):
		return CategoryCompute
	}
	text := strings.ToLower(s.Rule + " " + kind)
	if hasTag(s, "network") || containsAny(text, networkMarks) {
		return CategoryNetwork
	}
	if _, ok := s.Field("fd.sip"); ok && src == "syscall" {
		return CategoryNetwork
	}
	return CategoryRuntime
}

// hasTag reports whether s carries tag (case-insensitive).
func hasTag(s *Signal, tag string) bool {
	for _, t := range s.Tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
