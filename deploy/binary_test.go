package deploy

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"peregrine/internal/testenv"
)

// The binary, built once for every test the way the Dockerfile builds it.
var bin struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bin.dir != "" {
		os.RemoveAll(bin.dir)
	}
	os.Exit(code)
}

// binary returns the path of peregrine built with CGO_ENABLED=0 and
// -trimpath, as in the Dockerfile.
func binary(t *testing.T) string {
	t.Helper()
	goTool := testenv.Tool(t, "go")
	bin.once.Do(func() {
		bin.dir, bin.err = os.MkdirTemp("", "peregrine-deploy-test-")
		if bin.err != nil {
			return
		}
		bin.path = filepath.Join(bin.dir, "peregrine")
		cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags", "-s -w", "-o", bin.path, "./cmd/peregrine")
		cmd.Dir = testenv.ModuleRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		bin.out, bin.err = cmd.CombinedOutput()
	})
	if bin.err != nil {
		t.Fatalf("build peregrine: %v\n%s", bin.err, bin.out)
	}
	return bin.path
}

// peregrine runs the binary with args.
func peregrine(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(binary(t), args...).CombinedOutput()
	return string(out), err
}

// checkFlags checks that args (a subcommand and its flags) name a
// subcommand and flags that peregrine has.
func checkFlags(t *testing.T, where string, args []string) {
	t.Helper()
	var sub []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		sub = append(sub, a)
	}
	help, err := peregrine(t, append(sub, "--help")...)
	if err != nil {
		t.Fatalf("%s: peregrine %s --help: %v\n%s", where, strings.Join(sub, " "), err, help)
	}
	for _, a := range args[len(sub):] {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(a, "=")
		var re *regexp.Regexp
		if strings.HasPrefix(name, "--") {
			re = regexp.MustCompile(`(?m)\s` + regexp.QuoteMeta(name) + `[\s=]`)
		} else {
			re = regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + `,`)
		}
		if !re.MatchString(help) {
			t.Errorf("%s: peregrine %s has no flag %s (cmd/peregrine must provide it)", where, strings.Join(sub, " "), name)
		}
	}
}

// TestStaticBinary checks that the Dockerfile's build gives a binary that
// runs FROM scratch: no program interpreter, no shared libraries.
func TestStaticBinary(t *testing.T) {
	f, err := elf.Open(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a program interpreter: it is dynamically linked")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v (%v)", libs, err)
	}
	if out, err := peregrine(t, "version"); err != nil || !strings.HasPrefix(out, "peregrine ") {
		t.Errorf("peregrine version: %v: %s", err, out)
	}
}

// dockerfile is the instructions of the Dockerfile, continuation lines
// joined, comments dropped.
func dockerfile(t *testing.T) [][2]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	var cur string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		cur += line
		op, rest, _ := strings.Cut(cur, " ")
		out = append(out, [2]string{strings.ToUpper(op), strings.TrimSpace(rest)})
		cur = ""
	}
	return out
}

func TestDockerfile(t *testing.T) {
	root := testenv.ModuleRoot(t)
	var froms, copies []string
	var cmd, entrypoint []string
	var build string
	for _, in := range dockerfile(t) {
		switch op, arg := in[0], in[1]; op {
		case "FROM":
			froms = append(froms, arg)
		case "COPY":
			if !strings.HasPrefix(arg, "--from=") {
				copies = append(copies, arg)
			}
		case "RUN":
			if strings.Contains(arg, "go build") {
				build = arg
			}
		case "CMD", "ENTRYPOINT":
			var v []string
			if err := json.Unmarshal([]byte(arg), &v); err != nil {
				t.Fatalf("%s %s: want the JSON form: %v", op, arg, err)
			}
			if op == "CMD" {
				cmd = v
			} else {
				entrypoint = v
			}
		}
	}
	if len(froms) != 2 || !strings.HasPrefix(froms[0], "golang:1.26 ") || froms[1] != "scratch" {
		t.Errorf("stages %q: want golang:1.26 then scratch", froms)
	}
	if !strings.Contains(build, "CGO_ENABLED=0 go build -trimpath") || !strings.Contains(build, "-o /out/usr/local/bin/peregrine ./cmd/peregrine") {
		t.Errorf("build %q: want the static build TestStaticBinary checks", build)
	}
	if !slices.Equal(entrypoint, []string{"/usr/local/bin/peregrine"}) {
		t.Errorf("entrypoint %q", entrypoint)
	}
	dests := map[string]bool{}
	for _, c := range copies {
		f := strings.Fields(c)
		dst := f[len(f)-1]
		dests[dst] = true
		for _, src := range f[:len(f)-1] {
			if strings.Contains(src, "upstream-rules") || strings.Contains(src, "falco_rules") {
				t.Errorf("COPY %s: Falco's rules are not shipped in the image", src)
			}
			if src == "." {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, src)); err != nil {
				t.Errorf("COPY %s: %v", src, err)
			}
		}
	}
	i := slices.Index(cmd, "-c")
	if i < 0 || i+1 >= len(cmd) || !dests[cmd[i+1]] {
		t.Errorf("CMD %q: -c must name the configuration the image copies (%v)", cmd, dests)
	}
	checkFlags(t, "Dockerfile CMD", cmd)

	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil || !slices.Contains(strings.Fields(string(ignore)), ".git") {
		t.Errorf(".dockerignore does not leave out .git (%v)", err)
	}
}

// unit reads the [Service] settings of the systemd unit, in order.
func unit(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("systemd/peregrine.service")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	section := ""
	for line := range strings.SplitSeq(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = line
		case section == "[Service]":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Errorf("unit line %q", line)
				continue
			}
			out[k] = append(out[k], v)
		}
	}
	return out
}

func TestSystemdUnit(t *testing.T) {
	u := unit(t)
	exec := strings.Fields(strings.Join(u["ExecStart"], " "))
	if len(exec) < 2 || exec[0] != "/usr/local/bin/peregrine" {
		t.Fatalf("ExecStart %q", exec)
	}
	checkFlags(t, "systemd ExecStart", exec[1:])
	if i := slices.Index(exec, "-c"); i < 0 || i+1 >= len(exec) || exec[i+1] != "/etc/peregrine/peregrine.yaml" {
		t.Errorf("ExecStart %q: want -c /etc/peregrine/peregrine.yaml", exec)
	}
	// The example configuration is what the unit runs once installed.
	example, err := os.ReadFile("peregrine.yaml")
	if err != nil {
		t.Fatal(err)
	}
	validConfig(t, string(example))

	if got := u["ExecReload"]; len(got) != 1 || !strings.Contains(got[0], "kill -HUP $MAINPID") {
		t.Errorf("ExecReload %q: want SIGHUP to the agent", got)
	}
	var caps []string
	for _, c := range strings.Fields(strings.Join(u["CapabilityBoundingSet"], " ")) {
		caps = append(caps, strings.TrimPrefix(c, "CAP_"))
	}
	slices.Sort(caps)
	want := slices.DeleteFunc(slices.Clone(agentCaps), func(c string) bool { return c == "SYS_RESOURCE" })
	if !slices.Equal(caps, want) {
		t.Errorf("CapabilityBoundingSet %v, want %v", caps, want)
	}
	for k, v := range map[string]string{"LimitMEMLOCK": "infinity", "NoNewPrivileges": "yes", "Type": "simple", "KillMode": "mixed"} {
		if got := u[k]; !slices.Equal(got, []string{v}) {
			t.Errorf("%s=%v, want %s", k, got, v)
		}
	}
	// The agent must see every process and list the network interfaces.
	if len(u["ProtectProc"]) > 0 || len(u["ProcSubset"]) > 0 || len(u["PrivateNetwork"]) > 0 {
		t.Error("the unit hides processes or the network from the agent")
	}
	if af := strings.Join(u["RestrictAddressFamilies"], " "); !strings.Contains(af, "AF_NETLINK") {
		t.Errorf("RestrictAddressFamilies=%s: the agent lists the interfaces over netlink", af)
	}
}
