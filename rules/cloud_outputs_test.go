package defaultrules_test

import (
	"strings"
	"testing"

	"peregrine/internal/rules/loader"
)

// TestCloudOutputsCarryKeys: the outputs of the cloud rules name the
// fields `peregrine incidents` groups alerts on. Every CloudTrail rule
// names the account, the region, the principal and the access key of the
// call; every GuardDuty rule that names a remote address names its port
// too, since a pool endpoint is the address and port that the syscall
// rules' fd.sip and fd.sport give (an address alone joins nothing outside
// network signals). The credentials attack sequence is the exception:
// its remote address is the API caller's, which has no port.
func TestCloudOutputsCarryKeys(t *testing.T) {
	for _, tc := range []struct {
		file string
		// need: each field must be in every output; pairs: the first
		// field of a pair needs the second.
		need  []string
		pairs [][2]string
	}{
		{file: "cloud_aws.yaml", need: []string{"%ct.user.accountid", "%ct.region", "%ct.user.arn", "%json.value[/userIdentity/accessKeyId]"}},
		{file: "cloud_guardduty.yaml", need: []string{"%guardduty.account", "%guardduty.region", "%guardduty.id"},
			pairs: [][2]string{{"%guardduty.network.remote_ip", "%guardduty.network.remote_port"}}},
		{file: "compute.yaml", need: []string{"%compute.container.id", "%compute.proc.cmdline", "%compute.host"}},
	} {
		spec, diags, err := loader.Load(tc.file)
		if err != nil {
			t.Fatalf("load %s: %v %v", tc.file, err, diags)
		}
		if len(spec.Rules) == 0 {
			t.Fatalf("%s: no rules", tc.file)
		}
		for _, r := range spec.Rules {
			for _, f := range tc.need {
				if !strings.Contains(r.Output, f) {
					t.Errorf("%s: %q: output lacks %s", tc.file, r.Name, f)
				}
			}
			for _, p := range tc.pairs {
				if r.Name == "GuardDuty credentials attack sequence" {
					continue
				}
				if strings.Contains(r.Output, p[0]) && !strings.Contains(r.Output, p[1]) {
					t.Errorf("%s: %q: output names %s without %s", tc.file, r.Name, p[0], p[1])
				}
			}
		}
	}
}
