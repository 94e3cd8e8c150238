package ruletest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/scap"
	"peregrine/internal/testenv"
)

// testRules are two small rules: one on execve, one on connect.
const testRules = `
- rule: Netcat started
  desc: nc ran
  condition: evt.type = execve and proc.name = nc
  output: netcat (proc.name=%proc.name user=%user.name parent=%proc.pname container=%container.name)
  priority: WARNING
- rule: Port 4444 contacted
  desc: a connection to 4444
  condition: evt.type = connect and fd.sport = 4444 and (evt.rawres >= 0 or evt.res = EINPROGRESS)
  output: connect (proc.name=%proc.name fd.sip=%fd.sip fd.sport=%fd.sport)
  priority: NOTICE
`

func loadTestRules(t *testing.T) *rules.Spec {
	t.Helper()
	var l loader.Loader
	spec, diags, err := l.LoadFiles(loader.File{Name: "test_rules.yaml", Data: []byte(testRules)})
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	return spec
}

func parse(t *testing.T, text string) *Suite {
	t.Helper()
	s, err := Parse("cases.yaml", []byte(text))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return s
}

const casePrefix = `tests:
- name: case
  users: {1000: alice}
  containers:
    - {id: 0123456789ab, name: web, image: "nginx:1.25"}
  processes:
    - {pid: 10, name: bash, exe: /bin/bash, uid: 1000}
    - {pid: 11, ppid: 10, name: bash, exe: /bin/bash, uid: 1000}
    - {pid: 20, name: sh, container: 0123456789ab}
  events:
    - {type: execve, pid: 11, exe: /usr/bin/nc, args: [-l, "9"]}
    - {type: connect, pid: 20, fd: 3, tuple: "172.17.0.2:5000->10.1.2.3:4444", res: EINPROGRESS}
    - {type: connect, pid: 20, fd: 4, tuple: "172.17.0.2:5001->10.1.2.3:4444", res: ECONNREFUSED}
`

func TestRunCase(t *testing.T) {
	spec := loadTestRules(t)
	tests := []struct {
		name    string
		expect  string
		pass    bool
		missing []string // rules missing, with why
		extra   []string // rules of unexpected alerts
	}{{
		name: "all expected",
		expect: `
    - rule: Port 4444 contacted
      fields: {fd.sip: 10.1.2.3, fd.sport: "4444", proc.name: sh}
    - rule: Netcat started
      fields: {proc.name: nc, user.name: alice, parent: x, proc.pname: bash}`,
		pass:    false, // "parent" is a label of the output, not a field
		missing: []string{"Netcat started: parent is not in the rule's output"},
		extra:   []string{"Netcat started"},
	}, {
		name: "order does not matter",
		expect: `
    - rule: Port 4444 contacted
      fields: {fd.sip: 10.1.2.3, fd.sport: "4444", proc.name: sh}
    - rule: Netcat started
      fields: {proc.name: nc, user.name: alice, proc.pname: bash}`,
		pass: true,
	}, {
		name: "missing alert",
		expect: `
    - rule: Netcat started
    - rule: Netcat started
    - rule: Port 4444 contacted`,
		missing: []string{"Netcat started: no alert of this rule"},
	}, {
		name:   "extra alert",
		expect: "\n    - rule: Netcat started",
		extra:  []string{"Port 4444 contacted"},
	}, {
		name:   "none expected",
		expect: " []",
		extra:  []string{"Netcat started", "Port 4444 contacted"},
	}, {
		name: "wrong field value",
		expect: `
    - rule: Port 4444 contacted
      fields: {fd.sip: 10.9.9.9}
    - {rule: Netcat started, fields: {container.name: host}}`,
		missing: []string{`Port 4444 contacted: fd.sip = "10.1.2.3", want "10.9.9.9"`},
		extra:   []string{"Port 4444 contacted"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := parse(t, casePrefix+"  expect:"+tc.expect+"\n")
			res := RunCase(spec, s, &s.Cases[0])
			if res.Error != "" {
				t.Fatalf("error: %s", res.Error)
			}
			var missing, extra []string
			for _, m := range res.Missing {
				missing = append(missing, m.Rule+": "+m.Why)
			}
			for _, g := range res.Extra {
				extra = append(extra, g.Rule)
			}
			if res.Pass != (tc.pass) {
				t.Errorf("pass = %v, want %v", res.Pass, tc.pass)
			}
			if d := cmp.Diff(tc.missing, missing); d != "" {
				t.Errorf("missing (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.extra, extra); d != "" {
				t.Errorf("extra (-want +got):\n%s", d)
			}
			if len(res.Got) != 2 {
				t.Errorf("got %d alerts, want 2: %+v", len(res.Got), res.Got)
			}
		})
	}
}

// TestSocketReopened checks that a connect after a close of its descriptor
// gets a new socket, and that the path alias fills name.
func TestSocketReopened(t *testing.T) {
	spec := loadTestRules(t)
	s := parse(t, `tests:
- name: reconnect
  processes: [{pid: 5, name: sh}]
  events:
    - {type: openat, pid: 5, fd: 3, path: /etc/hosts, flags: O_RDONLY}
    - {type: close, pid: 5, fd: 3}
    - {type: connect, pid: 5, fd: 3, tuple: "10.0.0.1:1000->10.0.0.2:4444"}
  expect: [{rule: Port 4444 contacted, fields: {fd.sip: 10.0.0.2}}]
`)
	procs := map[int64]*Process{5: {PID: 5, Name: "sh"}}
	eb := &eventBuilder{procs: procs, opens: map[int64]map[int64]bool{}, ts: baseTime}
	var evs []*event.Event
	for i := range s.Cases[0].Events {
		var err error
		if evs, err = eb.build(&s.Cases[0].Events[i], evs); err != nil {
			t.Fatal(err)
		}
	}
	var types []string
	for _, ev := range evs {
		types = append(types, ev.Type().Name())
	}
	if d := cmp.Diff([]string{"openat", "close", "socket", "connect"}, types); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	if v, ok := evs[0].Value(evs[0].Type().Info().ParamIndex("name")); !ok || string(v.Str()) != "/etc/hosts" {
		t.Errorf("openat name = %q", v.Str())
	}
	if res := RunCase(spec, s, &s.Cases[0]); !res.Pass {
		t.Errorf("case: %+v", res)
	}
}

func TestRunCaseErrors(t *testing.T) {
	spec := loadTestRules(t)
	tests := []struct {
		name, text, want string
	}{
		{"unknown rule", "    - {type: execve, pid: 1, exe: /bin/true}\n  expect: [{rule: Nope}]", "line 6: rule \"Nope\" is not among"},
		{"unknown process", "    - {type: connect, pid: 2, fd: 3, tuple: \"1.1.1.1:1->2.2.2.2:2\"}\n  expect: []", "line 5: pid 2: unknown process"},
		{"unknown parameter", "    - {type: connect, pid: 1, fd: 3, colour: red}\n  expect: []", "line 5: connect has no parameter \"colour\""},
		{"unknown type", "    - {type: frobnicate, pid: 1}\n  expect: []", "line 5: unknown event type \"frobnicate\""},
		{"bad tuple", "    - {type: connect, pid: 1, fd: 3, tuple: \"1.1.1.1->2.2.2.2\"}\n  expect: []", "line 5: connect parameter tuple: tuple"},
		{"bad errno", "    - {type: connect, pid: 1, fd: 3, res: EWHAT}\n  expect: []", "\"EWHAT\" is neither a number nor an errno name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := "tests:\n- name: c\n  processes: [{pid: 1, name: init}]\n  events:\n" + tc.text + "\n"
			s := parse(t, text)
			res := RunCase(spec, s, &s.Cases[0])
			if res.Pass || !strings.Contains(res.Error, tc.want) {
				t.Fatalf("pass=%v error %q, want it to contain %q", res.Pass, res.Error, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"yaml syntax", "tests:\n- name: a\n  events: [{type: execve\n", "cases.yaml:2: did not find expected"},
		{"yaml mapping", "tests:\n- expect: []\n  name: a: b\n", "cases.yaml:3: mapping values are not allowed in this context"},
		{"not tests", "cases: []\n", "cases.yaml:1: unknown key \"cases\""},
		{"no expect", "tests:\n- name: a\n  events: []\n", "cases.yaml:2: test \"a\": no expect"},
		{"unknown case key", "tests:\n- name: a\n  expect: []\n  event: []\n", "cases.yaml:4: test: unknown key \"event\""},
		{"event without pid", "tests:\n- name: a\n  expect: []\n  events:\n  - {type: execve}\n", "cases.yaml:5: event execve without a pid"},
		{"both events and capture", "tests:\n- name: a\n  expect: []\n  capture: x.scap\n  events: []\n", "cases.yaml:2: test \"a\": give either events or capture"},
		{"bad pid", "tests:\n- name: a\n  expect: []\n  processes:\n  - {pid: one, name: x}\n", "cases.yaml:5: pid: \"one\" is not a number"},
		{"bad container id", "tests:\n- name: a\n  expect: []\n  events: []\n  containers: [{id: xyz}]\n", "cases.yaml:5: container id \"xyz\""},
		{"duplicate name", "tests:\n- {name: a, expect: [], events: []}\n- {name: a, expect: [], events: []}\n", "cases.yaml:3: test \"a\" already defined at line 2"},
		{"expect without rule", "tests:\n- name: a\n  events: []\n  expect: [{fields: {a: b}}]\n", "cases.yaml:4: expected alert without a rule"},
		{"empty", "", "cases.yaml: empty test file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("cases.yaml", []byte(tc.text))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FileError", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) && !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %q, want %q", err, tc.want)
			}
		})
	}
}

func TestCoverageAndOutput(t *testing.T) {
	spec := loadTestRules(t)
	s := parse(t, `tests:
- name: nc alerts
  processes: [{pid: 1, name: bash}]
  events: [{type: execve, pid: 1, exe: /bin/nc}]
  expect: [{rule: Netcat started, fields: {proc.name: nc}}]
- name: ls does not
  processes: [{pid: 1, name: bash}]
  events: [{type: execve, pid: 1, exe: /bin/ls}]
  expect: []
- name: wrong expectation
  processes: [{pid: 1, name: bash}]
  events: [{type: execve, pid: 1, exe: /bin/ls}]
  expect: [{rule: Netcat started}]
`)
	results := Run(spec, []*Suite{s})
	cov := CoverageOf(spec, results)
	want := []Coverage{{Rule: "Netcat started", Positive: 2, Negative: 1}, {Rule: "Port 4444 contacted"}}
	if d := cmp.Diff(want, cov); d != "" {
		t.Errorf("coverage (-want +got):\n%s", d)
	}
	if cov[1].Covered() || !cov[0].Covered() {
		t.Errorf("Covered: %v %v", cov[0].Covered(), cov[1].Covered())
	}
	var text bytes.Buffer
	if err := WriteText(&text, results, cov); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"PASS  cases.yaml:2  nc alerts\n",
		"FAIL  cases.yaml:10  wrong expectation\n      missing (line 13): \"Netcat started\"\n          because: no alert of this rule\n      got: no alerts\n",
		"    0   0  MISSING  Port 4444 contacted\n",
		"3 cases: 2 passed, 1 failed\n",
	} {
		if !strings.Contains(text.String(), line) {
			t.Errorf("text output lacks %q:\n%s", line, text.String())
		}
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, results, cov); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Summary Summary
		Results []struct {
			Case    string
			Pass    bool
			Missing []struct{ Rule, Why string }
			Got     []Alert
		}
	}
	if err := json.Unmarshal(js.Bytes(), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, js.String())
	}
	if rep.Summary != (Summary{Cases: 3, Passed: 2, Failed: 1}) || len(rep.Results) != 3 ||
		rep.Results[0].Got[0].Fields["proc.name"] != "nc" || rep.Results[2].Missing[0].Rule != "Netcat started" {
		t.Errorf("json report: %+v", rep)
	}
}

// TestCaptureCase writes the events of a case to a capture file and runs a
// case that reads it.
func TestCaptureCase(t *testing.T) {
	spec := loadTestRules(t)
	dir := t.TempDir()
	procs := map[int64]*Process{1: {PID: 1, Name: "bash", Exe: "/bin/bash", Cwd: "/"}}
	eb := &eventBuilder{procs: procs, opens: map[int64]map[int64]bool{}, ts: baseTime}
	evs, err := eb.build(&EventSpec{Type: "execve", PID: 1, TID: 1, Params: map[string]ParamValue{"exe": {Scalar: "/usr/bin/nc"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "nc.scap"))
	if err != nil {
		t.Fatal(err)
	}
	meta := &scap.Meta{Machine: &event.MachineInfo{Hostname: "test"}, Procs: []event.Process{bootProcess(procs[1])}}
	w, err := scap.NewWriter(f, meta, scap.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cases := filepath.Join(dir, "cases.yaml")
	os.WriteFile(cases, []byte(`tests:
- name: from a capture
  capture: nc.scap
  expect: [{rule: Netcat started, fields: {proc.name: nc, proc.pname: <NA>}}]
- name: missing capture
  capture: nope.scap
  expect: []
`), 0o644)
	suites, err := LoadPaths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	results := Run(spec, suites)
	if !results[0].Pass || results[0].Error != "" {
		t.Errorf("capture case: %+v", results[0])
	}
	if results[1].Pass || !strings.Contains(results[1].Error, "nope.scap") {
		t.Errorf("missing capture: %+v", results[1])
	}
}

// TestRealCaptureCase replays a capture recorded by sysdig, with Falco's
// 2019 rules used by the engine's tests.
func TestRealCaptureCase(t *testing.T) {
	capture := testenv.Shared(t, "captures/falco_psp_write_tmp_test.scap")
	spec, diags, err := loader.Load(filepath.Join("..", "engine", "testdata", "psp_2019.yaml"))
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	s := parse(t, `tests:
- name: write below tmp
  capture: `+capture+`
  expect:
    - {rule: Write below tmp, fields: {fd.name: /tmp/test, container.id: 697956520d89, user.name: root}}
- name: wrong file
  capture: `+capture+`
  expect:
    - {rule: Write below tmp, fields: {fd.name: /tmp/other}}
`)
	results := Run(spec, []*Suite{s})
	if !results[0].Pass {
		t.Errorf("real capture: %+v", results[0])
	}
	if r := results[1]; r.Pass || len(r.Missing) != 1 || r.Missing[0].Why != `fd.name = "/tmp/test", want "/tmp/other"` || len(r.Extra) != 1 {
		t.Errorf("wrong file: %+v", r)
	}
}
