package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// ruleMinerLaunchedTags are the tags the miner alert must carry.
var ruleMinerLaunchedTags = []string{"cryptomining", "T1496"}

// TestRulesOrderLive runs `peregrine run` with its embedded rules (all
// files, in their load order) while a container copies a program named
// xmrig into its writable layer and starts it with a stratum URI, then
// copies another program below /opt and starts it. Both are container
// drift, but under rule_matching: first the miner must be reported as a
// miner (and not as drift), while the other program is still drift. A run
// is repeated only when the agent dropped events.
func TestRulesOrderLive(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	if _, err := os.Stat("/etc/peregrine/rules.d"); err == nil {
		t.Fatal("/etc/peregrine/rules.d exists: peregrine run would load it instead of the embedded rules")
	}
	t.Setenv("PEREGRINE_RULES", "") // the embedded rules, not a file set by hand
	image := d.Image(t, "order", nil)
	repo, _, _ := strings.Cut(image, ":")
	name := fmt.Sprintf("peregrine-order-%d", os.Getpid())
	id := d.Run(t, []string{"--name", name}, image, "sleep", "600")
	cid := id[:12]
	inCtr := map[string]string{"container.id": cid, "container.name": name, "container.image.repository": repo}

	retryOnDrops(t, func(t *testing.T) miningRun {
		live := startPeregrine(t, "watching", "run", "--ring-size", "67108864", "-o", "json", "--docker-host", d.Host)

		// busybox copied as /xmrig answers "applet not found": the
		// program starts (and is reported), then fails, as a miner
		// without its pool would.
		miner := "cp /bin/busybox /xmrig && exec /xmrig -o stratum+tcp://127.0.0.1:3333 --donate-level 1"
		if out, err := d.Command(context.Background(), "exec", id, "sh", "-c", miner).CombinedOutput(); err == nil {
			t.Fatalf("the miner in the container exited 0: %s", out)
		}
		d.Exec(t, id, "sh", "-c", "mkdir -p /opt && cp /bin/busybox /opt/true && exec /opt/true")

		checks := []escapeCheck{
			{rule: ruleMinerLaunched, key: "proc.exepath", value: "/xmrig", count: 1, want: withField(inCtr, "proc.name", "xmrig"), tags: ruleMinerLaunchedTags},
			{rule: ruleContainerDrift, key: "proc.exepath", value: "/opt/true", count: 1, want: withField(inCtr, "proc.name", "true"), tags: []string{"execution", "T1610"}},
		}
		waitForAlerts(t, live, func(all []miningAlert) bool {
			for _, c := range checks {
				if len(c.problems(all)) > 0 {
					return false
				}
			}
			return true
		})
		r, all := stopRun(t, live)
		for _, c := range append(checks,
			escapeCheck{rule: ruleContainerDrift, key: "proc.exepath", value: "/xmrig", count: 0},
			escapeCheck{rule: ruleMinerLaunched, key: "proc.exepath", value: "/opt/true", count: 0},
		) {
			r.problems = append(r.problems, c.problems(all)...)
		}
		return r
	})
}
