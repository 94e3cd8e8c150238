package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"peregrine/internal/testenv"
	"peregrine/internal/testenv/mining"
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
// made-up Monero address that names this test run.
func miningWallet() string {
	w := fmt.Sprintf("4PeregrineTest%d", os.Getpid())
	return w + strings.Repeat("A", 95-len(w))
}

// minerArgs is the command line XMRig is usually started with.
func minerArgs(port int, wallet string) []string {
	return []string{"-o", fmt.Sprintf("stratum+tcp://127.0.0.1:%d", port), "-u", wallet, "-p", "x", "--donate-level", "1", "-a", "rx/0"}
}

// servePlainJSON answers every line with an ordinary JSON reply, on a
// port of 127.0.0.1 that is not a pool port; it returns the port.
func servePlainJSON(t *testing.T) int {
	t.Helper()
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		if slices.Contains(mining.PoolPorts, port) {
			ln.Close()
			continue
		}
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
		t.Cleanup(func() { ln.Close() })
		return port
	}
}

// checkMiningAlert checks the tags every cryptomining alert carries and
// the fields in want.
func checkMiningAlert(t *testing.T, a miningAlert, want map[string]string) {
	t.Helper()
	for _, tag := range []string{"T1496", "cryptomining"} {
		if !slices.Contains(a.Tags, tag) {
			t.Errorf("%s: tags %v lack %s", a.Rule, a.Tags, tag)
		}
	}
	for k, v := range want {
		if a.Fields[k] != v {
			t.Errorf("%s: %s = %q, want %q (fields %v)", a.Rule, k, a.Fields[k], v, a.Fields)
		}
	}
}

// sessionLine is what the standalone fake pool prints of a session.
var sessionLine = regexp.MustCompile(`session cport=(\d+) methods=(\S+) agent="([^"]*)"`)

// TestMiningOnHost runs the agent with Peregrine's cryptomining rules and
// data capture on, then on the host: (c) an ordinary program sends
// ordinary JSON to a port no pool uses, (a) the fake XMRig mines at the
// fake pool on a pool port of 127.0.0.1, (d) a modprobe asks for the msr
// module (refused here: no module support, or an empty module file). The
// miner raises the launch, pool port and Stratum alerts with its own
// name, command line and connection; modprobe raises the MSR alert both
// for its command line and for its finit_module call; the ordinary
// client, which ran first, raises none of the four rules.
func TestMiningOnHost(t *testing.T) {
	testenv.Root(t)
	rules := miningRules(t)
	bin := mining.Build(t, "xmrig", "jsonclient", "modprobe")
	pool, err := mining.Listen("127.0.0.1", mining.PoolPorts)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	plainPort := servePlainJSON(t)
	wallet := miningWallet()

	live := startPeregrine(t, "watching", "run", "--ring-size", "67108864", "--rules", rules, "--snaplen", "256", "-o", "json", "--no-docker")

	// (c) the ordinary client first: its alerts, if any, come before the
	// miner's, which the test waits for.
	plain := exec.Command(filepath.Join(bin, "jsonclient"), fmt.Sprintf("127.0.0.1:%d", plainPort))
	if out, err := plain.CombinedOutput(); err != nil || !strings.Contains(string(out), `"apples":3`) {
		t.Fatalf("jsonclient: %v: %s", err, out)
	}
	plainPid := strconv.Itoa(plain.Process.Pid)

	// (a) the miner.
	args := minerArgs(pool.Port(), wallet)
	miner := exec.Command(filepath.Join(bin, "xmrig"), args...)
	if out, err := miner.CombinedOutput(); err != nil {
		t.Fatalf("xmrig: %v: %s", err, out)
	}
	minerPid := strconv.Itoa(miner.Process.Pid)
	sessions, err := pool.Wait(1, 30*time.Second)
	if err != nil || len(sessions) != 1 {
		t.Fatalf("pool sessions: %v: %v", sessions, err)
	}
	if got, want := sessions[0].Methods, []string{"login", "mining.subscribe", "mining.authorize", "submit"}; !slices.Equal(got, want) {
		t.Fatalf("the miner called %v, want %v", got, want)
	}

	// (d) modprobe msr: the kernel refuses, the attempt is what counts.
	mod := exec.Command(filepath.Join(bin, "modprobe"), "msr", "allow_writes=on")
	out, err := mod.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(string(out), "finit_module") {
		t.Fatalf("modprobe msr: want a refused finit_module, got %v: %s", err, out)
	}
	modPid := strconv.Itoa(mod.Process.Pid)

	waitFor(t, live, agentDeadline, "the miner's and modprobe's alerts", func() bool {
		all := miningAlerts(t, live.stdout.String())
		for _, r := range []string{ruleMinerLaunched, rulePoolPort, ruleStratumSent} {
			if len(alertsOf(all, r, "proc.pid", minerPid)) == 0 {
				return false
			}
		}
		msr := alertsOf(all, ruleMSR, "proc.pid", modPid)
		return len(alertsOf(msr, ruleMSR, "evt.type", "execve")) > 0 && len(alertsOf(msr, ruleMSR, "evt.type", "finit_module")) > 0
	})
	live.stop(t)
	all := miningAlerts(t, live.stdout.String())

	cmdline := "xmrig " + strings.Join(args, " ")
	conn := fmt.Sprintf("127.0.0.1:%d->127.0.0.1:%d", sessions[0].ClientPort, pool.Port())
	tests := []struct {
		name  string
		rule  string
		pid   string
		count int // alerts wanted; -1: at least one
		want  map[string]string
	}{
		{"launch", ruleMinerLaunched, minerPid, 1, map[string]string{
			"proc.name": "xmrig", "proc.cmdline": cmdline, "user.name": "root", "container.id": "host",
		}},
		{"pool port", rulePoolPort, minerPid, 1, map[string]string{
			"proc.name": "xmrig", "proc.cmdline": cmdline, "fd.sport": strconv.Itoa(pool.Port()),
			"fd.sip": "127.0.0.1", "fd.name": conn, "fd.l4proto": "tcp",
		}},
		// login, mining.subscribe, mining.authorize and submit: each is
		// one write of Stratum.
		{"stratum", ruleStratumSent, minerPid, 4, map[string]string{
			"proc.name": "xmrig", "proc.cmdline": cmdline, "fd.sport": strconv.Itoa(pool.Port()), "fd.name": conn,
		}},
		{"msr", ruleMSR, modPid, -1, map[string]string{
			"proc.name": "modprobe", "proc.cmdline": "modprobe msr allow_writes=on",
		}},
		{"ordinary client", "", plainPid, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []miningAlert
			for _, r := range miningRuleNames {
				if tc.rule == "" || r == tc.rule {
					got = append(got, alertsOf(all, r, "proc.pid", tc.pid)...)
				}
			}
			if tc.count >= 0 && len(got) != tc.count || tc.count < 0 && len(got) == 0 {
				t.Fatalf("%d alerts of %q for pid %s, want %d: %v", len(got), tc.rule, tc.pid, tc.count, got)
			}
			for _, a := range got {
				checkMiningAlert(t, a, tc.want)
			}
		})
	}
	// The Stratum alerts carry the data: the login names the agent.
	var login bool
	for _, a := range alertsOf(all, ruleStratumSent, "proc.pid", minerPid) {
		login = login || strings.Contains(a.Fields["evt.buffer"], `"method":"login"`) && strings.Contains(a.Fields["evt.buffer"], "XMRig/6.21.0")
	}
	if !login {
		t.Errorf("no Stratum alert shows the login: %v", alertsOf(all, ruleStratumSent, "proc.pid", minerPid))
	}
}

// TestMiningInContainer runs the fake pool and the fake XMRig inside a
// busybox container with no network but its own loopback, while the
// agent watches with container metadata: the three miner alerts name the
// container (id, name, image) and the miner.
func TestMiningInContainer(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	rules := miningRules(t)
	bin, err := os.ReadFile(filepath.Join(mining.Build(t), "fakeminer"))
	if err != nil {
		t.Fatal(err)
	}
	image := d.Image(t, "miner", map[string]string{
		"/usr/local/bin/xmrig":        string(bin),
		"/usr/local/bin/stratum-pool": string(bin),
	})
	name := fmt.Sprintf("peregrine-miner-%d", os.Getpid())
	id := d.Run(t, []string{"--name", name}, image, "sleep", "600")
	wallet := miningWallet()

	live := startPeregrine(t, "watching", "run", "--ring-size", "67108864", "--rules", rules, "--snaplen", "256", "-o", "json", "--docker-host", d.Host)

	// The pool first, in the container, until it listens; then the miner
	// beside it, each started by docker exec without a shell.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	poolCmd := d.Command(ctx, "exec", id, "stratum-pool", "-listen", "127.0.0.1:3333", "-sessions", "1")
	var poolOut syncBuffer
	poolCmd.Stdout, poolCmd.Stderr = &poolOut, &poolOut
	if err := poolCmd.Start(); err != nil {
		t.Fatal(err)
	}
	poolDone := make(chan error, 1)
	go func() { poolDone <- poolCmd.Wait() }()
	waitFor(t, live, agentDeadline, "the pool in the container", func() bool {
		return strings.Contains(poolOut.String(), "listening")
	})
	args := minerArgs(3333, wallet)
	cmdline := "xmrig " + strings.Join(args, " ")
	d.Exec(t, id, append([]string{"xmrig"}, args...)...)
	if err := <-poolDone; err != nil {
		t.Fatalf("the pool in the container: %v: %s", err, poolOut.String())
	}
	m := sessionLine.FindStringSubmatch(poolOut.String())
	if m == nil || m[2] != "login,mining.subscribe,mining.authorize,submit" || !strings.HasPrefix(m[3], "XMRig/") {
		t.Fatalf("the pool in the container saw no full session: %s", poolOut.String())
	}
	cid := id[:12]
	waitFor(t, live, agentDeadline, "the container miner's alerts", func() bool {
		all := miningAlerts(t, live.stdout.String())
		for _, r := range []string{ruleMinerLaunched, rulePoolPort, ruleStratumSent} {
			if len(alertsOf(all, r, "container.id", cid)) == 0 {
				return false
			}
		}
		return true
	})
	live.stop(t)
	all := miningAlerts(t, live.stdout.String())

	conn := fmt.Sprintf("127.0.0.1:%s->127.0.0.1:3333", m[1])
	inContainer := map[string]string{
		"container.id": cid, "container.name": name, "container.image.repository": "peregrine-test/miner",
		"proc.name": "xmrig", "proc.cmdline": cmdline,
	}
	with := func(extra map[string]string) map[string]string {
		w := map[string]string{}
		for k, v := range inContainer {
			w[k] = v
		}
		for k, v := range extra {
			w[k] = v
		}
		return w
	}
	tests := []struct {
		rule  string
		count int
		want  map[string]string
	}{
		{ruleMinerLaunched, 1, with(nil)},
		{rulePoolPort, 1, with(map[string]string{"fd.sport": "3333", "fd.name": conn})},
		{ruleStratumSent, 4, with(map[string]string{"fd.sport": "3333", "fd.name": conn})},
		// The pool launches, listens and answers, but is no miner.
		{ruleMSR, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			got := alertsOf(all, tc.rule, "container.id", cid)
			if len(got) != tc.count {
				t.Fatalf("%d alerts, want %d: %v", len(got), tc.count, got)
			}
			for _, a := range got {
				checkMiningAlert(t, a, tc.want)
			}
		})
	}
	for _, a := range all {
		if a.Fields["container.id"] == cid && a.Fields["proc.name"] == "stratum-pool" && slices.Contains(miningRuleNames, a.Rule) {
			t.Errorf("the pool raised %s: %v", a.Rule, a.Fields)
		}
	}
}
