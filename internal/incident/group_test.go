package incident

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUnionFind(t *testing.T) {
	u := newUnionFind(6)
	u.union(4, 5)
	u.union(1, 4)
	u.union(2, 3)
	got := []int{u.find(0), u.find(1), u.find(2), u.find(3), u.find(4), u.find(5)}
	if d := cmp.Diff([]int{0, 1, 2, 2, 1, 1}, got); d != "" {
		t.Errorf("representatives (-want +got):\n%s", d)
	}
	u.union(5, 3)
	if u.find(2) != 1 || u.find(0) != 0 {
		t.Errorf("after joining the two sets: find(2) %d, find(0) %d; want 1, 0", u.find(2), u.find(0))
	}
}

func TestGroup(t *testing.T) {
	const (
		cid  = "container.id=" + shortID
		inst = "guardduty.instance.id=i-0a1b2c3d4e5f60718"
	)
	h := time.Hour
	acct := []string{"ct.user.accountid=111122223333", "ct.region=us-east-1"}
	for _, tc := range []struct {
		name   string
		window time.Duration
		sigs   []Signal
		want   [][]string
	}{
		{"transitive: container, container and instance, instance", 24 * h, []Signal{
			testSignal("syscall", "miner", 0, miningTags, "web-1", cid),
			testSignal("aws_guardduty", "finding", h, nil, "", "guardduty.container.id="+fullID, inst),
			testSignal("aws_cloudtrail", "run", -h, nil, "", "ct.response=i-0a1b2c3d4e5f60718"),
		}, [][]string{{"run", "miner", "finding"}}},
		{"an alert of another container on the same host stays out", 24 * h, []Signal{
			testSignal("syscall", "miner", 0, miningTags, "web-1", cid),
			testSignal("syscall", "shell", time.Minute, nil, "web-1", "container.id=9a8b7c6d5e4f"),
		}, [][]string{{"miner"}, {"shell"}}},
		{"a host process alert joins the incidents of its host", 24 * h, []Signal{
			testSignal("syscall", "miner", 0, miningTags, "web-1", cid),
			testSignal("syscall", "host process", time.Minute, nil, "web-1", "container.id=host"),
			testSignal("syscall", "elsewhere", time.Minute, nil, "web-2", "container.id=host"),
		}, [][]string{{"miner", "host process"}, {"elsewhere"}}},
		{"a weak-only signal sharing two keys with an incident joins it once", 24 * h, []Signal{
			testSignal("syscall", "miner", 0, miningTags, "web-1", cid),
			testSignal("aws_guardduty", "finding", h, nil, "", "guardduty.container.id="+fullID, "guardduty.account=1", "guardduty.region=r"),
			testSignal("syscall", "both", 2*h, nil, "web-1", "container.id=host", "ct.user.accountid=1", "ct.region=r"),
		}, [][]string{{"miner", "finding", "both"}}},
		{"window: the same container three days later is another incident", 24 * h, []Signal{
			testSignal("syscall", "first", 0, miningTags, "", cid),
			testSignal("syscall", "second", 20*h, miningTags, "", cid),
			testSignal("syscall", "later", 72*h, miningTags, "", cid),
		}, [][]string{{"first", "second"}, {"later"}}},
		{"window: the gap counts from the last signal, not the first", 2 * h, []Signal{
			testSignal("syscall", "a", 0, miningTags, "", cid),
			testSignal("syscall", "b", 2*h, miningTags, "", cid),
			testSignal("syscall", "c", 4*h, miningTags, "", cid),
			testSignal("syscall", "d", 6*h+time.Second, miningTags, "", cid),
		}, [][]string{{"a", "b", "c"}, {"d"}}},
		{"weak only: account and region attach, within the window", 2 * h, []Signal{
			testSignal("aws_cloudtrail", "run", 0, nil, "", append([]string{"ct.response=i-0a1b2c3d4e5f60718"}, acct...)...),
			testSignal("aws_cloudtrail", "quota", h, nil, "", acct...),
			testSignal("aws_cloudtrail", "much later", 10*h, nil, "", acct...),
		}, [][]string{{"run", "quota"}, {"much later"}}},
		{"a weak-only signal joins every incident that shares its key", 24 * h, []Signal{
			testSignal("aws_cloudtrail", "run a", 0, nil, "", append([]string{"ct.response=i-0aaaaaaaaaaaaaaaa"}, acct...)...),
			testSignal("aws_cloudtrail", "run b", 0, nil, "", append([]string{"ct.response=i-0bbbbbbbbbbbbbbbb"}, acct...)...),
			testSignal("aws_cloudtrail", "quota", h, nil, "", acct...),
		}, [][]string{{"run a", "quota"}, {"run b", "quota"}}},
		{"two miners, two incidents", 24 * h, []Signal{
			testSignal("syscall", "miner a", 0, miningTags, "web-1", cid, "proc.cmdline=xmrig -o stratum+tcp://pool.supportxmr.com:3333"),
			testSignal("syscall", "miner b", time.Minute, miningTags, "batch-7", "container.id=host", "proc.cmdline=x -o stratum+ssl://gulf.moneroocean.stream:10128"),
			testSignal("aws_guardduty", "dns a", h, nil, "", "guardduty.dns.domain=pool.supportxmr.com"),
			testSignal("compute", "cpu b", h, nil, "batch-7", "compute.container.id=host"),
		}, [][]string{{"miner b", "cpu b"}, {"miner a", "dns a"}}}, // b has two categories, a one
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := Correlate(tc.sigs, nil, Options{Window: tc.window, All: true})
			var got [][]string
			for _, inc := range rep.Incidents {
				var names []string
				for _, e := range inc.Timeline {
					names = append(names, e.Rule)
				}
				got = append(got, names)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("groups (-want +got):\n%s", d)
			}
		})
	}
}
