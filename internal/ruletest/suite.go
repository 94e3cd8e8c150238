// Package ruletest runs rule test cases: short event sequences written in
// YAML (or capture files) fed through the real engine, state and rules,
// with the alerts they must raise. `peregrine rules test` is its command;
// docs/rule-tests.md describes the file format.
package ruletest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Suite is one test file.
type Suite struct {
	File  string // the path it was read from
	Cases []Case
}

// Case is one test: the machine before the events, the events, and the
// alerts they must raise.
type Case struct {
	Name string
	Line int // line of the case in its file

	Processes  []Process
	Containers []Container
	Users      map[uint32]string // extra user names by uid

	Events  []EventSpec
	Capture string // capture file, resolved against the test file's directory

	Expect []Expectation
}

// Process is a process that runs before the events.
type Process struct {
	PID, PPID int64
	Name      string // comm; default: the base name of Exe
	Exe       string // default: Name
	Args      []string
	UID       uint32
	Cwd       string
	Container string // container id ("" on the host)
	Line      int
}

// Container is a container known before the events.
type Container struct {
	ID, Name, Image string
	Labels          map[string]string
	Line            int
}

// EventSpec is one event written compactly: its type name, the process
// that makes it and its parameters by name (libs' names, or the friendly
// keys docs/rule-tests.md lists).
type EventSpec struct {
	Type   string
	PID    int64
	TID    int64 // default: PID
	Params map[string]ParamValue
	Line   int
}

// ParamValue is a parameter as written: a scalar, or a list (args).
type ParamValue struct {
	Scalar string
	List   []string
	IsList bool
	Line   int
}

// Expectation is an alert a case must raise: the rule, and values of
// fields its output names.
type Expectation struct {
	Rule   string
	Fields map[string]string
	Line   int
}

// FileError is a problem with a test file, at a line.
type FileError struct {
	File string
	Line int
	Msg  string
}

// Error returns "file:line: message".
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// LoadFile reads and parses a test file.
func LoadFile(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read test file: %w", err)
	}
	return Parse(path, data)
}

// Parse parses the test file data, read from path.
func Parse(path string, data []byte) (*Suite, error) {
	p := &parser{file: path}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlErr(err)
		return nil, &FileError{File: path, Line: line, Msg: msg}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &FileError{File: path, Msg: "empty test file"}
	}
	root := doc.Content[0]
	s := &Suite{File: path}
	p.mapping(root, "test file", func(key string, k, v *yaml.Node) {
		if key != "tests" {
			p.errorf(k, "unknown key %q (want tests)", key)
			return
		}
		p.sequence(v, "tests", func(n *yaml.Node) {
			if c, ok := p.testCase(n); ok {
				s.Cases = append(s.Cases, c)
			}
		})
	})
	if p.err != nil {
		return nil, p.err
	}
	if len(s.Cases) == 0 {
		return nil, &FileError{File: path, Line: root.Line, Msg: "no tests"}
	}
	seen := map[string]int{}
	for _, c := range s.Cases {
		if prev, dup := seen[c.Name]; dup {
			return nil, &FileError{File: path, Line: c.Line, Msg: fmt.Sprintf("test %q already defined at line %d", c.Name, prev)}
		}
		seen[c.Name] = c.Line
	}
	return s, nil
}

// yamlErr splits a yaml.v3 error ("yaml: line N: msg") into its line and
// message.
func yamlErr(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	num, text, ok := strings.Cut(rest, ": ")
	n, perr := strconv.Atoi(num)
	if !ok || perr != nil {
		return 0, msg
	}
	return n, text
}

// parser keeps the first error found.
type parser struct {
	file string
	err  error
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	if p.err == nil {
		p.err = &FileError{File: p.file, Line: n.Line, Msg: fmt.Sprintf(format, args...)}
	}
}

func (p *parser) mapping(n *yaml.Node, what string, each func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping", what)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		each(n.Content[i].Value, n.Content[i], n.Content[i+1])
	}
}

func (p *parser) sequence(n *yaml.Node, what string, each func(*yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list", what)
		return
	}
	for _, c := range n.Content {
		each(c)
	}
}

func (p *parser) scalar(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s: want a single value", what)
		return ""
	}
	return n.Value
}

func (p *parser) int64(n *yaml.Node, what string) int64 {
	s := p.scalar(n, what)
	v, err := strconv.ParseInt(s, 0, 64)
	if err != nil && p.err == nil {
		p.errorf(n, "%s: %q is not a number", what, s)
	}
	return v
}

func (p *parser) strings(n *yaml.Node, what string) []string {
	var out []string
	p.sequence(n, what, func(c *yaml.Node) { out = append(out, p.scalar(c, what)) })
	return out
}

func (p *parser) stringMap(n *yaml.Node, what string) map[string]string {
	out := map[string]string{}
	p.mapping(n, what, func(key string, _, v *yaml.Node) { out[key] = p.scalar(v, what+"."+key) })
	return out
}

func (p *parser) testCase(n *yaml.Node) (Case, bool) {
	c := Case{Line: n.Line}
	var haveExpect, haveEvents bool
	p.mapping(n, "test", func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			c.Name = p.scalar(v, "name")
		case "processes":
			p.sequence(v, "processes", func(e *yaml.Node) { c.Processes = append(c.Processes, p.process(e)) })
		case "containers":
			p.sequence(v, "containers", func(e *yaml.Node) { c.Containers = append(c.Containers, p.container(e)) })
		case "users":
			c.Users = map[uint32]string{}
			p.mapping(v, "users", func(uid string, k, v *yaml.Node) {
				n, err := strconv.ParseUint(uid, 10, 32)
				if err != nil {
					p.errorf(k, "users: %q is not a uid", uid)
				}
				c.Users[uint32(n)] = p.scalar(v, "users")
			})
		case "events":
			haveEvents = true
			p.sequence(v, "events", func(e *yaml.Node) { c.Events = append(c.Events, p.event(e)) })
		case "capture":
			c.Capture = p.scalar(v, "capture")
		case "expect":
			haveExpect = true
			p.sequence(v, "expect", func(e *yaml.Node) { c.Expect = append(c.Expect, p.expectation(e)) })
		default:
			p.errorf(k, "test: unknown key %q", key)
		}
	})
	switch {
	case p.err != nil:
		return c, false
	case c.Name == "":
		p.errorf(n, "test without a name")
	case !haveExpect:
		p.errorf(n, "test %q: no expect (write expect: [] for none)", c.Name)
	case haveEvents == (c.Capture != ""):
		p.errorf(n, "test %q: give either events or capture", c.Name)
	}
	if c.Capture != "" && !filepath.IsAbs(c.Capture) {
		c.Capture = filepath.Join(filepath.Dir(p.file), c.Capture)
	}
	return c, p.err == nil
}

func (p *parser) process(n *yaml.Node) Process {
	pr := Process{Line: n.Line, PPID: 1}
	p.mapping(n, "process", func(key string, k, v *yaml.Node) {
		switch key {
		case "pid":
			pr.PID = p.int64(v, "pid")
		case "ppid":
			pr.PPID = p.int64(v, "ppid")
		case "name", "comm":
			pr.Name = p.scalar(v, key)
		case "exe":
			pr.Exe = p.scalar(v, "exe")
		case "args":
			pr.Args = p.strings(v, "args")
		case "uid":
			pr.UID = uint32(p.int64(v, "uid"))
		case "cwd":
			pr.Cwd = p.scalar(v, "cwd")
		case "container":
			pr.Container = p.scalar(v, "container")
		default:
			p.errorf(k, "process: unknown key %q", key)
		}
	})
	if pr.PID <= 0 && p.err == nil {
		p.errorf(n, "process without a pid")
	}
	if pr.Name == "" && pr.Exe == "" && p.err == nil {
		p.errorf(n, "process %d: give name or exe", pr.PID)
	}
	return pr
}

func (p *parser) container(n *yaml.Node) Container {
	c := Container{Line: n.Line}
	p.mapping(n, "container", func(key string, k, v *yaml.Node) {
		switch key {
		case "id":
			c.ID = p.scalar(v, "id")
		case "name":
			c.Name = p.scalar(v, "name")
		case "image":
			c.Image = p.scalar(v, "image")
		case "labels":
			c.Labels = p.stringMap(v, "labels")
		case "pod", "namespace":
			if c.Labels == nil {
				c.Labels = map[string]string{}
			}
			label := map[string]string{"pod": "io.kubernetes.pod.name", "namespace": "io.kubernetes.pod.namespace"}[key]
			c.Labels[label] = p.scalar(v, key)
		default:
			p.errorf(k, "container: unknown key %q", key)
		}
	})
	if !validContainerID(c.ID) && p.err == nil {
		p.errorf(n, "container id %q: want 12 or 64 lower-case hex digits", c.ID)
	}
	return c
}

func validContainerID(id string) bool {
	if len(id) != 12 && len(id) != 64 {
		return false
	}
	for _, r := range id {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

func (p *parser) event(n *yaml.Node) EventSpec {
	e := EventSpec{Line: n.Line, Params: map[string]ParamValue{}}
	p.mapping(n, "event", func(key string, k, v *yaml.Node) {
		switch key {
		case "type":
			e.Type = p.scalar(v, "type")
		case "pid":
			e.PID = p.int64(v, "pid")
		case "tid":
			e.TID = p.int64(v, "tid")
		default:
			if v.Kind == yaml.SequenceNode {
				e.Params[key] = ParamValue{List: p.strings(v, key), IsList: true, Line: v.Line}
			} else {
				e.Params[key] = ParamValue{Scalar: p.scalar(v, key), Line: v.Line}
			}
		}
	})
	if p.err == nil && e.Type == "" {
		p.errorf(n, "event without a type")
	}
	if p.err == nil && e.PID <= 0 {
		p.errorf(n, "event %s without a pid", e.Type)
	}
	if e.TID == 0 {
		e.TID = e.PID
	}
	return e
}

func (p *parser) expectation(n *yaml.Node) Expectation {
	x := Expectation{Line: n.Line}
	p.mapping(n, "expect", func(key string, k, v *yaml.Node) {
		switch key {
		case "rule":
			x.Rule = p.scalar(v, "rule")
		case "fields":
			x.Fields = p.stringMap(v, "fields")
		default:
			p.errorf(k, "expect: unknown key %q (want rule, fields)", key)
		}
	})
	if p.err == nil && x.Rule == "" {
		p.errorf(n, "expected alert without a rule")
	}
	return x
}

// LoadPaths reads test files: each path is a file, or a directory whose
// .yaml and .yml files are read in lexicographic order.
func LoadPaths(paths []string) ([]*Suite, error) {
	var out []*Suite
	for _, p := range paths {
		files := []string{p}
		if st, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("test path: %w", err)
		} else if st.IsDir() {
			entries, err := os.ReadDir(p)
			if err != nil {
				return nil, fmt.Errorf("test directory: %w", err)
			}
			files = files[:0]
			for _, e := range entries {
				if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
					files = append(files, filepath.Join(p, e.Name()))
				}
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("test directory %s: no .yaml files", p)
			}
		}
		for _, f := range files {
			s, err := LoadFile(f)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	}
	return out, nil
}
