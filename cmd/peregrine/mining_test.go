package main

import (
	"context"
	"errors"
	"fmt"
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

// stratumMethods are the calls of one session of the fake miner.
var stratumMethods = []string{"login", "mining.subscribe", "mining.authorize", "submit"}

// sessionLine is what the standalone fake pool prints of a session.
var sessionLine = regexp.MustCompile(`session cport=(\d+) methods=(\S+) agent="([^"]*)"`)

// TestMiningOnHost runs the agent with Peregrine's cryptomining rules and
// data capture on, then on the host: (c) an ordinary program sends
// ordinary JSON to a port no pool uses, (a) the fake XMRig mines at the
// fake pool on a pool port of 127.0.0.1, (e) the same miner renamed
// sysupdate mines at a pool on a port no list names, (d) a modprobe asks
// for the msr module (refused here: no module support, or an empty module
// file). The miner raises the launch, pool port and Stratum alerts (one
// per Stratum write) with its own name, command line and connection; the
// renamed one is still caught by its command line and its Stratum, not by
// the port rule; modprobe raises the MSR alert for its command line and
// for its finit_module call; the ordinary client raises none of the four
// rules. A run in which the agent dropped events is run again.
func TestMiningOnHost(t *testing.T) {
	testenv.Root(t)
	rules := miningRules(t)
	bin := mining.Build(t, "xmrig", "sysupdate", "jsonclient", "modprobe")
	plainPort := servePlainJSON(t)

	retryOnDrops(t, func(t *testing.T) miningRun {
		pool, err := mining.Listen("127.0.0.1", mining.PoolPorts)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		hidden := mining.Serve(listenUnlisted(t))
		defer hidden.Close()

		live := startPeregrine(t, "watching", "run", "--ring-size", "67108864", "--rules", rules, "--snaplen", "256", "-o", "json", "--no-docker")

		// (c) the ordinary client.
		plain := exec.Command(filepath.Join(bin, "jsonclient"), fmt.Sprintf("127.0.0.1:%d", plainPort))
		if out, err := plain.CombinedOutput(); err != nil || !strings.Contains(string(out), `"apples":3`) {
			t.Fatalf("jsonclient: %v: %s", err, out)
		}
		plainPid := strconv.Itoa(plain.Process.Pid)

		// (a) the miner, (e) renamed at the unlisted pool.
		mine := func(name string, p *mining.Pool) (pid string, args []string, s mining.Session) {
			args = minerArgs(p.Port(), miningWallet(name))
			cmd := exec.Command(filepath.Join(bin, name), args...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v: %s", name, err, out)
			}
			sessions, err := p.Wait(1, 30*time.Second)
			if err != nil || len(sessions) != 1 || !slices.Equal(sessions[0].Methods, stratumMethods) {
				t.Fatalf("%s: pool sessions %v (%v), want one calling %v", name, sessions, err, stratumMethods)
			}
			return strconv.Itoa(cmd.Process.Pid), args, sessions[0]
		}
		minerPid, args, session := mine("xmrig", pool)
		renamedPid, hiddenArgs, hiddenSession := mine("sysupdate", hidden)

		// (d) modprobe msr: the kernel refuses, the attempt is what counts.
		mod := exec.Command(filepath.Join(bin, "modprobe"), "msr", "allow_writes=on")
		out, err := mod.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || !strings.Contains(string(out), "finit_module") {
			t.Fatalf("modprobe msr: want a refused finit_module, got %v: %s", err, out)
		}
		modPid := strconv.Itoa(mod.Process.Pid)

		waitForAlerts(t, live, func(all []miningAlert) bool {
			for _, r := range []string{ruleMinerLaunched, rulePoolPort, ruleStratumSent} {
				if len(alertsOf(all, r, "proc.pid", minerPid)) == 0 {
					return false
				}
			}
			msr := alertsOf(all, ruleMSR, "proc.pid", modPid)
			return len(alertsOf(all, ruleStratumSent, "proc.pid", renamedPid)) == 4 &&
				len(alertsOf(msr, ruleMSR, "evt.type", "execve")) > 0 && len(alertsOf(msr, ruleMSR, "evt.type", "finit_module")) > 0
		})

		cmdline := "xmrig " + strings.Join(args, " ")
		port := strconv.Itoa(pool.Port())
		conn := fmt.Sprintf("127.0.0.1:%d->127.0.0.1:%d", session.ClientPort, pool.Port())
		hiddenConn := fmt.Sprintf("127.0.0.1:%d->127.0.0.1:%d", hiddenSession.ClientPort, hidden.Port())
		return finishMining(t, live, []miningCheck{
			{"launch", ruleMinerLaunched, "proc.pid", minerPid, 1, map[string]string{
				"proc.name": "xmrig", "proc.cmdline": cmdline, "user.name": "root", "container.id": "host",
			}},
			{"pool port", rulePoolPort, "proc.pid", minerPid, 1, map[string]string{
				"proc.name": "xmrig", "proc.cmdline": cmdline, "fd.sport": port, "fd.sip": "127.0.0.1", "fd.name": conn, "fd.l4proto": "tcp",
			}},
			// login, mining.subscribe, mining.authorize and submit: each is
			// one write of Stratum.
			{"stratum", ruleStratumSent, "proc.pid", minerPid, 4, map[string]string{
				"proc.name": "xmrig", "proc.cmdline": cmdline, "fd.sport": port, "fd.name": conn,
			}},
			// The login's data names the agent.
			{"stratum login", ruleStratumSent, "evt.buffer", loginData(miningWallet("xmrig")), 1, map[string]string{"proc.pid": minerPid}},
			{"msr", ruleMSR, "proc.pid", modPid, -1, map[string]string{
				"proc.name": "modprobe", "proc.cmdline": "modprobe msr allow_writes=on",
			}},
			{"msr module call", ruleMSR, "evt.type", "finit_module", 1, map[string]string{"proc.pid": modPid}},
			{"ordinary client", "", "proc.pid", plainPid, 0, nil},
			{"renamed launch", ruleMinerLaunched, "proc.pid", renamedPid, 1, map[string]string{
				"proc.name": "sysupdate", "proc.cmdline": "sysupdate " + strings.Join(hiddenArgs, " "),
			}},
			{"renamed pool port", rulePoolPort, "proc.pid", renamedPid, 0, nil},
			{"renamed stratum", ruleStratumSent, "proc.pid", renamedPid, 4, map[string]string{
				"proc.name": "sysupdate", "fd.sport": strconv.Itoa(hidden.Port()), "fd.name": hiddenConn,
			}},
		})
	})
}

// loginData is the fake miner's login request as the agent shows it: the
// data written, a final '.' for its newline.
func loginData(wallet string) string {
	return fmt.Sprintf(`{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":%q,"pass":"x","agent":"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0"}}.`, wallet)
}

// TestMiningInContainer runs the fake pool and the fake XMRig inside a
// busybox container with no network but its own loopback, each started
// by docker exec, while the agent watches with container metadata: the
// three miner alerts name the container (id, name, image), the miner and
// its connection; the pool raises none; a modprobe msr in the container
// raises the MSR alert twice (command line, finit_module call). A run in which the agent dropped
// events is run again.
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
		"/sbin/modprobe":              string(bin),
	})
	name := fmt.Sprintf("peregrine-miner-%d", os.Getpid())
	id := d.Run(t, []string{"--name", name}, image, "sleep", "600")
	cid := id[:12]
	args := minerArgs(3333, miningWallet("xmrig"))
	cmdline := "xmrig " + strings.Join(args, " ")

	retryOnDrops(t, func(t *testing.T) miningRun {
		live := startPeregrine(t, "watching", "run", "--ring-size", "67108864", "--rules", rules, "--snaplen", "256", "-o", "json", "--docker-host", d.Host)

		poolOut := mineInContainer(t, live, d, id, args)
		m := sessionLine.FindStringSubmatch(poolOut)
		if m == nil || m[2] != strings.Join(stratumMethods, ",") || !strings.HasPrefix(m[3], "XMRig/") {
			t.Fatalf("the pool in the container saw no full session: %s", poolOut)
		}

		// XMRig's MSR tweak, refused by the kernel.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		mod, err := d.Command(ctx, "exec", id, "modprobe", "msr", "allow_writes=on").CombinedOutput()
		if err == nil || !strings.Contains(string(mod), "finit_module") {
			t.Fatalf("modprobe msr in the container: want a refused finit_module, got %v: %s", err, mod)
		}

		waitForAlerts(t, live, func(all []miningAlert) bool {
			return len(alertsOf(all, ruleMSR, "container.id", cid)) == 2 &&
				len(alertsOf(all, ruleMinerLaunched, "container.id", cid)) > 0 &&
				len(alertsOf(all, rulePoolPort, "container.id", cid)) > 0 &&
				len(alertsOf(all, ruleStratumSent, "container.id", cid)) == 4
		})

		inContainer := func(extra map[string]string) map[string]string {
			w := map[string]string{
				"container.id": cid, "container.name": name, "container.image.repository": "peregrine-test/miner",
				"proc.name": "xmrig", "proc.cmdline": cmdline,
			}
			for k, v := range extra {
				w[k] = v
			}
			return w
		}
		conn := map[string]string{"fd.sport": "3333", "fd.name": fmt.Sprintf("127.0.0.1:%s->127.0.0.1:3333", m[1])}
		return finishMining(t, live, []miningCheck{
			{"launch", ruleMinerLaunched, "container.id", cid, 1, inContainer(nil)},
			{"pool port", rulePoolPort, "container.id", cid, 1, inContainer(conn)},
			{"stratum", ruleStratumSent, "container.id", cid, 4, inContainer(conn)},
			// One alert for modprobe's command line, one for its
			// finit_module call; none for the miner or the pool.
			{"msr", ruleMSR, "container.id", cid, 2, map[string]string{
				"container.id": cid, "container.name": name, "proc.name": "modprobe", "proc.cmdline": "modprobe msr allow_writes=on",
			}},
			{"msr module call", ruleMSR, "evt.type", "finit_module", 1, map[string]string{"container.id": cid}},
			{"the pool", "", "proc.name", "stratum-pool", 0, nil},
		})
	})
}
