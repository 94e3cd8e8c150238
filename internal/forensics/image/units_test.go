package image

import (
	"archive/tar"
	"bytes"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

func TestMatcher(t *testing.T) {
	pad := func(n int) string { return strings.Repeat("\x00", n) }
	for _, tc := range []struct {
		name  string
		data  string
		limit int64
		want  []string
		elf   bool
		read  int64
	}{
		{"nothing", "hello world", 1 << 20, nil, false, 11},
		{"at start", "stratum+tcp://pool:3333 --donate-level=1", 1 << 20, []string{"stratum+tcp://", "donate-level"}, false, 40},
		{"cut by the chunk boundary", pad(matchChunk-5) + "stratum+tcp://x", 1 << 20, []string{"stratum+tcp://"}, false, matchChunk + 10},
		{"cut at the last byte", pad(matchChunk-1) + "xmrig.com", 1 << 20, []string{"xmrig.com"}, false, matchChunk + 8},
		{"third chunk", pad(2*matchChunk+100) + "supportxmr.com", 1 << 20, []string{"supportxmr.com"}, false, 2*matchChunk + 114},
		{"beyond the cap", pad(1000) + "stratum+tcp://", 1000, nil, false, 1000},
		{"cut by the cap", pad(990) + "stratum+tcp://", 1000, nil, false, 1000},
		{"ELF with a key string", "\x7fELF...-----BEGIN PRIVATE KEY-----", 1 << 20, []string{"PRIVATE KEY-----"}, true, 34},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMatcher(contentMarkers)
			// one byte at a time and whole: the result must not depend on
			// how the reader splits the stream
			for _, r := range []io.Reader{strings.NewReader(tc.data), iotest.OneByteReader(strings.NewReader(tc.data))} {
				n, err := m.scan(r, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				_, got := m.kinds()
				if d := cmp.Diff(tc.want, got); d != "" || n != tc.read || m.elf != tc.elf {
					t.Errorf("read %d (want %d), elf %v: markers (-want +got):\n%s", n, tc.read, m.elf, d)
				}
			}
		})
	}
	m := newMatcher(contentMarkers)
	if _, err := m.scan(iotest.ErrReader(io.ErrUnexpectedEOF), 100); err == nil {
		t.Error("a failing reader is not an error")
	}
}

func TestMatcherNoAllocs(t *testing.T) {
	m := newMatcher(contentMarkers)
	data := bytes.Repeat([]byte("abcdefgh stratum+tcp "), 20000)
	r := bytes.NewReader(data)
	allocs := testing.AllocsPerRun(20, func() {
		r.Reset(data)
		m.scan(r, 1<<30)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per scan", allocs)
	}
}

func TestSecrets(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		rules   []string
	}{
		{"PATH=/usr/bin", "PATH=/usr/bin", nil},
		{"PWD=/srv", "PWD=/srv", nil},
		{"TOKENIZERS_PARALLELISM=false", "TOKENIZERS_PARALLELISM=false", nil},
		{"DB_PASSWORD_FILE=/run/secrets/db", "DB_PASSWORD_FILE=/run/secrets/db", nil},
		{"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY_ID=AKIA…[redacted]", []string{"AWS access key id"}},
		{"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = wJal…[redacted]", []string{"AWS secret access key"}},
		{"echo -----BEGIN RSA PRIVATE KEY-----abc > k", "echo ----…[redacted]> k", []string{"private key"}},
		{"GH=ghp_0123456789abcdefghijklmnopqrstuvwxyz", "GH=ghp_…[redacted]", []string{"GitHub token"}},
		{"SLACK=xoxb-1234567890-abcdef", "SLACK=xoxb…[redacted]", []string{"Slack token"}},
		{"/bin/sh -c mysql --user=x password=hunter2 && x", "/bin/sh -c mysql --user=x password=[redacted] && x", []string{"password, token or secret assignment"}},
		{`ENV API_TOKEN="s3 cr3t"`, `ENV API_TOKEN=[redacted]`, []string{"password, token or secret assignment"}},
		{"echo SECRET=$SECRET", "echo SECRET=$SECRET", nil},
		{"MY_SECRET=x", "MY_SECRET=[redacted]", []string{"password, token or secret assignment"}},
		{"RUN a AKIAIOSFODNN7EXAMPLE b password=hunter2 c AKIAIOSFODNN7EXAMPLF", "RUN a AKIA…[redacted] b password=[redacted] c AKIA…[redacted]",
			[]string{"AWS access key id", "AWS access key id", "password, token or secret assignment"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			out, hits := envSecrets(tc.in)
			var rules []string
			for _, h := range hits {
				rules = append(rules, h.rule)
			}
			if out != tc.out || !slices.Equal(rules, tc.rules) {
				t.Errorf("got %q %q, want %q %q", out, rules, tc.out, tc.rules)
			}
		})
	}
	// a name alone is enough in the environment
	if out, hits := envSecrets("DB_PASS=abc"); out != "DB_PASS=[redacted]" || len(hits) != 1 {
		t.Errorf("DB_PASS: %q %v", out, hits)
	}
}

// layerOps builds a tree from layers of entries: a name ending in "/" is
// a directory, ".wh." names are whiteouts.
func applyLayers(t *testing.T, layers [][]string) *tree {
	t.Helper()
	tr := newTree(1000)
	for i, l := range layers {
		for _, name := range l {
			base, dir := name, "."
			if j := strings.LastIndex(strings.TrimSuffix(name, "/"), "/"); j >= 0 {
				base, dir = name[j+1:], name[:j]
			}
			switch {
			case base == ".wh..wh..opq":
				tr.opaque(dir, i)
			case strings.HasPrefix(base, ".wh."):
				tr.whiteout(join(dir, base[4:]), i)
			case strings.HasSuffix(name, "/"):
				if err := tr.add(strings.TrimSuffix(name, "/"), &node{typ: tar.TypeDir, layer: i}); err != nil {
					t.Fatal(err)
				}
			default:
				if err := tr.add(name, &node{typ: tar.TypeReg, layer: i}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return tr
}

func TestTree(t *testing.T) {
	for _, tc := range []struct {
		name     string
		layers   [][]string
		want     []string // path@layer
		removals []string // path@layer>removedIn
	}{
		{"plain", [][]string{{"a/", "a/b", "c"}}, []string{"a@0", "a/b@0", "c@0"}, nil},
		{"implicit parents", [][]string{{"x/y/z"}}, []string{"x@0", "x/y@0", "x/y/z@0"}, nil},
		{"whiteout a file", [][]string{{"a/", "a/b", "a/c"}, {"a/.wh.b"}}, []string{"a@0", "a/c@0"}, []string{"a/b@0>1"}},
		{"whiteout a directory", [][]string{{"a/", "a/b", "a/d/e"}, {".wh.a"}}, nil, []string{"a/b@0>1", "a/d/e@0>1"}},
		{"whiteout then re-add in the same layer", [][]string{{"a/", "a/b"}, {"a", ".wh.a"}}, []string{"a@1"}, []string{"a/b@0>1"}},
		{"opaque directory", [][]string{{"a/", "a/b", "a/d/e"}, {"a/.wh..wh..opq", "a/new"}}, []string{"a@0", "a/new@1"}, []string{"a/b@0>1", "a/d/e@0>1"}},
		{"opaque marker after the new entries", [][]string{{"a/", "a/b"}, {"a/new", "a/.wh..wh..opq"}}, []string{"a@0", "a/new@1"}, []string{"a/b@0>1"}},
		{"replace a file", [][]string{{"f"}, {"f"}}, []string{"f@1"}, []string{"f@0>1"}},
		{"file becomes a directory", [][]string{{"f"}, {"f/g"}}, []string{"f@1", "f/g@1"}, []string{"f@0>1"}},
		{"whiteout of something absent", [][]string{{"a/"}, {"a/.wh.nothing", ".wh.zzz"}}, []string{"a@0"}, nil},
		{"whiteout in a later layer only hides lower entries", [][]string{{"a"}, {"b"}, {".wh.a", ".wh.b"}}, nil, []string{"a@0>2", "b@1>2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := applyLayers(t, tc.layers)
			var got []string
			tr.walk(func(p string, n *node) { got = append(got, p+"@"+itoa(n.layer)) })
			var rem []string
			for _, r := range tr.removals {
				rem = append(rem, r.path+"@"+itoa(r.layer)+">"+itoa(r.removedIn))
			}
			slices.Sort(rem)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("tree (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.removals, rem); d != "" {
				t.Errorf("removals (-want +got):\n%s", d)
			}
			if tr.entries != len(got) {
				t.Errorf("entries %d, tree has %d", tr.entries, len(got))
			}
		})
	}
	tr := newTree(2)
	if err := tr.add("a/b/c", &node{typ: tar.TypeReg}); err == nil || !strings.Contains(err.Error(), "more than 2") {
		t.Errorf("entry cap: %v", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestCheckEntry(t *testing.T) {
	for _, tc := range []struct {
		path string
		n    node
		want []string // severity rule
	}{
		{"bin/su", node{typ: tar.TypeReg, mode: 0o4755}, []string{"INFO setuid"}},
		{"usr/bin/passwd", node{typ: tar.TypeReg, mode: 0o4755}, []string{"INFO setuid"}},
		{"opt/su", node{typ: tar.TypeReg, mode: 0o4755}, []string{"HIGH setuid"}},
		{"usr/local/bin/tool", node{typ: tar.TypeReg, mode: 0o4755, uid: 1000}, []string{"MEDIUM setuid"}},
		{"usr/bin/wall", node{typ: tar.TypeReg, mode: 0o2755, gid: 5}, []string{"INFO setuid"}},
		{"usr/bin/tool", node{typ: tar.TypeReg, mode: 0o2755}, []string{"MEDIUM setuid"}},
		{"tmp", node{typ: tar.TypeDir, mode: 0o1777}, nil},
		{"var/tmp", node{typ: tar.TypeDir, mode: 0o1777}, nil},
		{"srv/upload", node{typ: tar.TypeDir, mode: 0o777}, []string{"MEDIUM world-writable"}},
		{"srv/file", node{typ: tar.TypeReg, mode: 0o666}, []string{"MEDIUM world-writable"}},
		{"bin/sh", node{typ: tar.TypeSymlink, mode: 0o777}, nil},
		{"tmp/x", node{typ: tar.TypeReg, mode: 0o755}, []string{"HIGH executable-in-temp"}},
		{"dev/shm/x", node{typ: tar.TypeReg, mode: 0o700}, []string{"HIGH executable-in-temp"}},
		{"var/tmp/notes", node{typ: tar.TypeReg, mode: 0o644}, nil},
		{"root/.x/run", node{typ: tar.TypeReg, mode: 0o755}, []string{"MEDIUM executable-in-hidden-dir"}},
		{"root/.profile", node{typ: tar.TypeReg, mode: 0o755}, nil},
		{"usr/bin/ls", node{typ: tar.TypeReg, mode: 0o755}, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			var got []string
			for _, f := range checkEntry(tc.path, &tc.n) {
				got = append(got, string(f.severity)+" "+f.rule)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct{ name, miner string }{
		{"xmrig", "xmrig"}, {"XMRig", "xmrig"}, {"xmrig-6.21.0", "xmrig"}, {"xmrig.exe", "xmrig"},
		{"t-rex", "t-rex"}, {"lolMiner", "lolminer"}, {"PhoenixMiner", "phoenixminer"}, {"minerd", "minerd"},
		{"xmrigger", ""}, {"miner", ""}, {"ls", ""},
	} {
		if got := minerName(tc.name); got != tc.miner {
			t.Errorf("minerName(%q) = %q, want %q", tc.name, got, tc.miner)
		}
	}
	for _, tc := range []struct {
		path   string
		strong bool
		kind   bool
	}{
		{"root/.ssh/id_rsa", true, true}, {"app/.env", true, true}, {"root/.aws/credentials", true, true},
		{"root/.docker/config.json", true, true}, {"etc/ssl/private/server.key", false, true},
		{"app/credentials", false, false}, {"etc/shadow", false, false}, {"app/config.json", false, false},
	} {
		kind, strong := secretFile(tc.path)
		if strong != tc.strong || (kind != "") != tc.kind {
			t.Errorf("secretFile(%q) = %q %v", tc.path, kind, strong)
		}
	}
	for _, u := range []string{"", "root", "0", "0:0", "root:wheel"} {
		if !rootUser(u) {
			t.Errorf("rootUser(%q) false", u)
		}
	}
	for _, u := range []string{"1000", "app", "nobody:nogroup"} {
		if rootUser(u) {
			t.Errorf("rootUser(%q) true", u)
		}
	}
}

func TestStamp(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-02T03:04:05.123+02:00": "2024-01-02T01:04:05.123Z",
		"0001-01-01T00:00:00Z":          "",
		"":                              "",
		"yesterday":                     "yesterday",
	} {
		if got := stamp(in); got != want {
			t.Errorf("stamp(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkFindSecretsMany: a build command of 1 MB holding 100000
// assignments, every one a secret.
func BenchmarkFindSecretsMany(b *testing.B) {
	cmd := strings.Repeat("TOKEN=abc ", 100000)
	b.SetBytes(int64(len(cmd)))
	for b.Loop() {
		if _, hits := findSecrets(cmd); len(hits) != 100000 {
			b.Fatalf("%d hits", len(hits))
		}
	}
}

func TestHumanBytes(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{5 << 20, "5.0 MiB"}, {3 << 30, "3.0 GiB"}, {2 << 40, "2.0 TiB"}, {1 << 62, "4096.0 PiB"},
	} {
		if got := HumanBytes(tt.n); got != tt.want {
			t.Errorf("HumanBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestTextPrintable: names from the image cannot move the terminal's
// cursor, retitle it or forge report lines.
func TestTextPrintable(t *testing.T) {
	evil := "tmp/x\x1b]0;owned\x07\nCRITICAL\tforged\u009b"
	r := &Report{
		Image:    ImageInfo{Tags: []string{"evil\x1b[2J:1"}},
		Config:   Config{User: "root\r", Env: []string{"A=\x1b[31mred"}, Labels: map[string]string{"k\n": "v\x00"}},
		Layers:   []Layer{{CreatedBy: "/bin/sh -c echo \x1b[1A"}},
		Findings: []Finding{{Severity: High, Rule: "executable-in-temp", Path: "/" + evil, Reason: "r", Evidence: evil}},
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if i := strings.IndexFunc(out, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }); i >= 0 {
		t.Errorf("control character %q at %d in:\n%s", out[i], i, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "CRITICAL") {
			t.Errorf("forged line %q", line)
		}
	}
	if !strings.Contains(out, `/tmp/x\x1b]0;owned\x07\x0aCRITICAL\x09forged\x9b`) {
		t.Errorf("path not shown escaped:\n%s", out)
	}
}

// TestSecretName: the names the image analysis and the container audit
// both take for credentials.
func TestSecretName(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"AWS_SECRET_ACCESS_KEY", true}, {"GITHUB_TOKEN", true}, {"PGPASSWORD", true}, {"DB_PASS", true},
		{"REDIS_AUTH_KEY", true}, {"stripe_api_key", true}, {"GOOGLE_APPLICATION_CREDENTIALS", true},
		{"TOKENIZERS_PARALLELISM", false}, {"SECRETARY_NAME", false}, {"BYPASS", false}, {"PATH", false},
		{"DB_PASSWORD_FILE", false}, {"API_TOKEN_PATH", false}, {"SECRETS_DIR", false}, {"echo SECRET", false},
	} {
		if got := SecretName(tt.name); got != tt.want {
			t.Errorf("SecretName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
