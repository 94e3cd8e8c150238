package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRulesTestCommand(t *testing.T) {
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "r.yaml")
	os.WriteFile(rulesFile, []byte(`- rule: Netcat started
  desc: nc ran
  condition: evt.type = execve and proc.name = nc
  output: netcat (proc.name=%proc.name)
  priority: WARNING
`), 0o644)
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte(`tests:
- name: nc
  processes: [{pid: 1, name: sh}]
  events: [{type: execve, pid: 1, exe: /bin/nc}]
  expect: [{rule: Netcat started, fields: {proc.name: nc}}]
- name: ls
  processes: [{pid: 1, name: sh}]
  events: [{type: execve, pid: 1, exe: /bin/ls}]
  expect: []
`), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(`tests:
- name: wrong
  processes: [{pid: 1, name: sh}]
  events: [{type: execve, pid: 1, exe: /bin/nc}]
  expect: []
`), 0o644)

	out, stderr, code := peregrine(t, "rules", "test", "--rules", rulesFile, good, "--coverage")
	if code != 0 || !strings.Contains(out, "PASS  "+good+":2  nc\n") || !strings.Contains(out, "2 cases: 2 passed, 0 failed") {
		t.Fatalf("good: exit %d\n%s%s", code, out, stderr)
	}
	out, stderr, code = peregrine(t, "rules", "test", "--rules", rulesFile, bad)
	if code != 1 || !strings.Contains(out, "FAIL  "+bad+":2  wrong\n      unexpected: \"Netcat started\": netcat (proc.name=nc)") {
		t.Fatalf("bad: exit %d\n%s%s", code, out, stderr)
	}
	out, _, code = peregrine(t, "rules", "test", "--rules", rulesFile, bad, "-o", "json")
	var rep struct{ Summary struct{ Failed int } }
	if code != 1 || json.Unmarshal([]byte(out), &rep) != nil || rep.Summary.Failed != 1 {
		t.Fatalf("json: exit %d\n%s", code, out)
	}
	// Coverage fails when the rule has no negative case.
	positive := filepath.Join(dir, "positive.yaml")
	os.WriteFile(positive, []byte(`tests:
- name: nc
  processes: [{pid: 1, name: sh}]
  events: [{type: execve, pid: 1, exe: /bin/nc}]
  expect: [{rule: Netcat started}]
`), 0o644)
	out, stderr, code = peregrine(t, "rules", "test", "--rules", rulesFile, positive, "--coverage")
	if code != 1 || !strings.Contains(out, "    1   0  MISSING  Netcat started") || !strings.Contains(stderr, "1 positive and 0 negative") {
		t.Fatalf("coverage: exit %d\n%s%s", code, out, stderr)
	}
	// A missing test file is an error.
	if _, _, code = peregrine(t, "rules", "test", "--rules", rulesFile, good+"x"); code == 0 {
		t.Fatal("missing file: exit 0")
	}
}

func TestRulesTestDefaultRules(t *testing.T) {
	out, stderr, code := peregrine(t, "rules", "test", "--coverage", "../../rules/tests")
	if code != 0 || !strings.Contains(out, " 0 failed") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
}
