// Package defaultrules holds Peregrine's own default rules, written in the
// Falco rule language and embedded in the binary. The files are the .yaml
// files of this directory (the rule tests in tests/ are not part of them).
package defaultrules

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml
var files embed.FS

// loadOrder lists every embedded rule file once, in the order the files
// are loaded. The order matters: with rule_matching: first (Falco's
// default and Peregrine's) an event raises only the first rule, in load
// order, that matches it, so the most specific threats come first and the
// catch-alls last. Mining is first (a miner is worth naming as a miner
// wherever it runs from); then privilege escalation, credential access,
// fileless and reverse-shell execution, persistence and defense evasion,
// each about one kind of act; container.yaml is last because its drift
// and shell rules match any unusual program started in a container, which
// is what most of the rules above also see when the attack runs in one.
var loadOrder = [...]string{
	"cryptomining.yaml",
	"privilege.yaml",
	"credentials.yaml",
	"execution.yaml",
	"persistence.yaml",
	"evasion.yaml",
	"container.yaml",
	"compute.yaml",
	"cloud_guardduty.yaml",
	"cloud_aws.yaml",
}

// FS returns the default rule files, at the root of the file system.
func FS() fs.FS { return files }

// Names returns the names of the default rule files in the order they
// must be loaded (most specific threat first; see loadOrder). A test
// checks that it names every embedded file exactly once.
func Names() []string {
	out := make([]string, len(loadOrder))
	copy(out, loadOrder[:])
	return out
}
