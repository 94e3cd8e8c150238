package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"peregrine/internal/testenv"
)

// The rules of rules/cryptomining.yaml the scenario tests prove.
const (
	ruleMinerLaunched = "Crypto miner launched"
	rulePoolPort      = "Outbound connection to crypto mining pool port"
	ruleStratumSent   = "Stratum mining protocol sent"
	ruleMSR           = "MSR module loaded for mining"
)

// miningRuleNames are the four rules, for negative checks.
var miningRuleNames = []string{ruleMinerLaunched, rulePoolPort, ruleStratumSent, ruleMSR}

// miningAlert is one JSON alert of the agent, its output fields as text.
type miningAlert struct {
	Rule     string
	Priority string
	Tags     []string
	Fields   map[string]string
}

// miningAlerts decodes the complete JSON lines the agent printed so far
// (a line still being written is left for the next call).
func miningAlerts(t *testing.T, stdout string) []miningAlert {
	t.Helper()
	if i := strings.LastIndexByte(stdout, '\n'); i >= 0 {
		stdout = stdout[:i+1]
	} else {
		return nil
	}
	var out []miningAlert
	for _, l := range strings.Split(stdout, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var a struct {
			Rule     string         `json:"rule"`
			Priority string         `json:"priority"`
			Tags     []string       `json:"tags"`
			Fields   map[string]any `json:"output_fields"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("alert %q: %v", l, err)
		}
		m := miningAlert{Rule: a.Rule, Priority: a.Priority, Tags: a.Tags, Fields: map[string]string{}}
		for k, v := range a.Fields {
			if v == nil {
				m.Fields[k] = "<NA>"
				continue
			}
			m.Fields[k] = fmt.Sprint(v)
		}
		out = append(out, m)
	}
	return out
}

// alertsOf returns the alerts of rule whose field key equals value.
func alertsOf(alerts []miningAlert, rule, key, value string) []miningAlert {
	var out []miningAlert
	for _, a := range alerts {
		if a.Rule == rule && a.Fields[key] == value {
			out = append(out, a)
		}
	}
	return out
}

// miningRules is the path of Peregrine's cryptomining rules.
func miningRules(t *testing.T) string {
	t.Helper()
	p := filepath.Join(testenv.ModuleRoot(t), "rules", "cryptomining.yaml")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the cryptomining rules: %v", err)
	}
	return p
}

// miningWallet is a well-formed (95 characters, starting with 4) but
// made-up Monero address that names this test run and the miner.
func miningWallet(miner string) string {
	w := fmt.Sprintf("4PeregrineTest%d%s", os.Getpid(), miner)
	return w + strings.Repeat("A", 95-len(w))
}

// minerArgs is the command line XMRig is usually started with.
func minerArgs(port int, wallet string) []string {
	return []string{"-o", fmt.Sprintf("stratum+tcp://127.0.0.1:%d", port), "-u", wallet, "-p", "x", "--donate-level", "1", "-a", "rx/0"}
}

// listedPoolPorts are the ports of mining_pool_ports in
// rules/cryptomining.yaml: the servers that must not look like pools
// keep off them.
var listedPoolPorts = []int{3333, 3334, 3335, 3336, 3357, 4444, 5555, 5556, 5588, 5730, 6099, 6666, 7777, 7778, 10128, 14433, 14444, 15555, 45560, 45700}

// listenUnlisted listens on a port of 127.0.0.1 that is not a listed pool
// port; the listener closes when the test ends.
func listenUnlisted(t *testing.T) net.Listener {
	t.Helper()
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(listedPoolPorts, ln.Addr().(*net.TCPAddr).Port) {
			ln.Close()
			continue
		}
		t.Cleanup(func() { ln.Close() })
		return ln
	}
}

// servePlainJSON answers every line with an ordinary JSON reply, on a
// port of 127.0.0.1 that is not a pool port; it returns the port.
func servePlainJSON(t *testing.T) int {
	t.Helper()
	ln := listenUnlisted(t)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				in := bufio.NewScanner(c)
				for in.Scan() {
					c.Write([]byte(`{"id":1,"result":{"apples":3,"pears":5},"error":null}` + "\n"))
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// miningCheck is one expectation of a scenario: the alerts of rule (every
// rule of miningRuleNames when empty) whose field key is value.
type miningCheck struct {
	name  string
	rule  string
	key   string
	value string
	count int               // alerts wanted; -1: at least one
	want  map[string]string // fields every such alert has
}

// problems lists what the alerts do not meet of the checks.
func (c miningCheck) problems(all []miningAlert) []string {
	var got []miningAlert
	for _, r := range miningRuleNames {
		if c.rule == "" || r == c.rule {
			got = append(got, alertsOf(all, r, c.key, c.value)...)
		}
	}
	if c.count >= 0 && len(got) != c.count || c.count < 0 && len(got) == 0 {
		return []string{fmt.Sprintf("%s: %d alerts of %q with %s=%s, want %d: %v", c.name, len(got), c.rule, c.key, c.value, c.count, got)}
	}
	var out []string
	for _, a := range got {
		for _, tag := range []string{"T1496", "cryptomining"} {
			if !slices.Contains(a.Tags, tag) {
				out = append(out, fmt.Sprintf("%s: %s: tags %v lack %s", c.name, a.Rule, a.Tags, tag))
			}
		}
		for k, v := range c.want {
			if a.Fields[k] != v {
				out = append(out, fmt.Sprintf("%s: %s: %s = %q, want %q (fields %v)", c.name, a.Rule, k, a.Fields[k], v, a.Fields))
			}
		}
	}
	return out
}

// miningAttempts is how many times a scenario runs when the agent lost
// events (a busy host fills its ring buffer, and a lost event is a missed
// alert): a run with drops proves nothing either way.
const miningAttempts = 5

// miningRun is what one run of a scenario left: the problems found, the
// agent's output, and the events its kernel side dropped.
type miningRun struct {
	problems []string
	stdout   string
	stderr   string
	dropped  uint64
}

// droppedLine is the agent's summary of kernel-side drops.
var droppedLine = regexp.MustCompile(`(\d+) dropped \(ring buffer full`)

// stopRun stops the agent and returns what the run left, with the drop
// count of its summary (a problem when there is none), and its alerts.
func stopRun(t *testing.T, live *liveCmd) (miningRun, []miningAlert) {
	t.Helper()
	live.stop(t)
	r := miningRun{stdout: live.stdout.String(), stderr: live.stderr.String()}
	if m := droppedLine.FindStringSubmatch(r.stderr); m != nil {
		r.dropped, _ = strconv.ParseUint(m[1], 10, 64)
	} else {
		r.problems = append(r.problems, "the agent printed no drop count")
	}
	return r, miningAlerts(t, r.stdout)
}

// finishMining stops the agent and checks its alerts.
func finishMining(t *testing.T, live *liveCmd, checks []miningCheck) miningRun {
	t.Helper()
	r, all := stopRun(t, live)
	for _, c := range checks {
		r.problems = append(r.problems, c.problems(all)...)
	}
	return r
}

// retryOnDrops runs scenario until a run meets its checks, again (up to
// miningAttempts runs) only when the agent dropped events in a run that
// did not.
func retryOnDrops(t *testing.T, scenario func(t *testing.T) miningRun) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		r := scenario(t)
		if len(r.problems) == 0 {
			return
		}
		report := fmt.Sprintf("%s\nalerts:\n%s\nstderr:\n%s", strings.Join(r.problems, "\n"), r.stdout, r.stderr)
		if r.dropped == 0 {
			t.Fatalf("run %d, no event dropped:\n%s", attempt, report)
		}
		if attempt == miningAttempts {
			t.Fatalf("all %d runs lost events (the host is too busy for the agent); the last one (%d dropped):\n%s", attempt, r.dropped, report)
		}
		t.Logf("run %d lost %d events, so its alerts prove nothing; again. It found:\n%s", attempt, r.dropped, strings.Join(r.problems, "\n"))
	}
}

// waitForAlerts waits until cond holds for the agent's alerts, for at
// most agentDeadline, or 5 s after the agent says it dropped events.
func waitForAlerts(t *testing.T, live *liveCmd, cond func([]miningAlert) bool) {
	t.Helper()
	deadline := time.Now().Add(agentDeadline)
	for {
		out := live.stdout.String()
		if cond(miningAlerts(t, out)) || time.Now().After(deadline) {
			return
		}
		if dropsSeen := strings.Contains(out, `"rule":"Peregrine internal: event drops"`); dropsSeen && time.Until(deadline) > 5*time.Second {
			deadline = time.Now().Add(5 * time.Second)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// mineInContainer starts the fake Stratum pool in container id on
// 127.0.0.1:3333, waits until it listens, runs the fake miner beside it
// with args, waits for the pool's one session to end and returns what
// the pool printed.
func mineInContainer(t *testing.T, live *liveCmd, d *testenv.DockerEnv, id string, args []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool := d.Command(ctx, "exec", id, "stratum-pool", "-listen", "127.0.0.1:3333", "-sessions", "1")
	var poolOut syncBuffer
	pool.Stdout, pool.Stderr = &poolOut, &poolOut
	if err := pool.Start(); err != nil {
		t.Fatal(err)
	}
	poolDone := make(chan error, 1)
	go func() { poolDone <- pool.Wait() }()
	waitFor(t, live, agentDeadline, "the pool in the container", func() bool {
		return strings.Contains(poolOut.String(), "listening")
	})
	d.Exec(t, id, append([]string{"xmrig"}, args...)...)
	if err := <-poolDone; err != nil {
		t.Fatalf("the pool in the container: %v: %s", err, poolOut.String())
	}
	return poolOut.String()
}
