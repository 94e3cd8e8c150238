package loader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/rules"
	"peregrine/internal/yamlnode"
)

// ErrInvalid is wrapped by the error of [Loader.Load] when the rule files
// have errors.
var ErrInvalid = errors.New("invalid rules")

// File is a rule file held in memory.
type File struct {
	Name string
	Data []byte
}

// Loader reads rule files. The zero value is ready to use and checks
// required_engine_version against [rules.EngineVersion]. A Loader keeps no
// state between calls and may be used by several goroutines.
type Loader struct {
	// EngineVersion, when not zero, replaces [rules.EngineVersion] in the
	// required_engine_version check.
	EngineVersion rules.Version
}

// Load reads the rule files and directories at paths, in order, with a
// zero [Loader].
func Load(paths ...string) (*rules.Spec, []rules.Diagnostic, error) {
	var l Loader
	return l.Load(paths...)
}

// Load reads the rule files and directories at paths, in order, into a
// spec. A directory stands for the files directly in it whose names end in
// ".yaml" or ".yml", in lexicographic order (as Falco 0.41 and later); a
// file given by name with another extension is skipped with a warning, as
// Falco skips it. Later files see and may change what earlier ones define.
//
// Every problem found is a diagnostic, in file order; reading goes on after
// an error (the failing item is left out), so all errors are reported at
// once. The spec is returned even when there are errors, for tools that
// show what could be read. The error is non-nil when at least one
// diagnostic is an error: it wraps [ErrInvalid] and quotes the first one.
func (l *Loader) Load(paths ...string) (*rules.Spec, []rules.Diagnostic, error) {
	st := l.newLoad()
	for _, p := range paths {
		st.loadPath(p)
	}
	return st.finish()
}

// LoadFiles is [Loader.Load] for files held in memory.
func (l *Loader) LoadFiles(files ...File) (*rules.Spec, []rules.Diagnostic, error) {
	st := l.newLoad()
	for _, f := range files {
		st.loadFile(f.Name, f.Data)
	}
	return st.finish()
}

func (l *Loader) newLoad() *load {
	v := l.EngineVersion
	if v == (rules.Version{}) {
		v = rules.EngineVersion()
	}
	return &load{
		engine:     v,
		listByName: map[string]int{},
		macroByNam: map[string]int{},
		ruleByName: map[string]int{},
		failed:     map[string]bool{},
		spec:       &rules.Spec{},
	}
}

// isRuleFileName reports whether name has a rule file extension.
func isRuleFileName(name string) bool {
	ext := filepath.Ext(name)
	return ext == ".yaml" || ext == ".yml"
}

// loadPath loads a file or the rule files of a directory.
func (st *load) loadPath(p string) {
	fi, err := os.Stat(p)
	if err != nil {
		st.add(rules.Position{File: p}, rules.SeverityError, fmt.Sprintf("read rules: %v", err))
		return
	}
	if !fi.IsDir() {
		if !isRuleFileName(p) {
			st.add(rules.Position{File: p}, rules.SeverityWarning, "not a .yaml or .yml file: skipped")
			return
		}
		st.readFile(p)
		return
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		st.add(rules.Position{File: p}, rules.SeverityError, fmt.Sprintf("read rules directory: %v", err))
		return
	}
	for _, e := range ents { // ReadDir sorts by name
		if !isRuleFileName(e.Name()) {
			continue
		}
		fp := filepath.Join(p, e.Name())
		if fi, err := os.Stat(fp); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		st.readFile(fp)
	}
}

func (st *load) readFile(p string) {
	data, err := os.ReadFile(p)
	if err != nil {
		st.add(rules.Position{File: p}, rules.SeverityError, fmt.Sprintf("read rules: %v", err))
		return
	}
	st.loadFile(p, data)
}

// loadFile reads the YAML documents of one file, then their items. A YAML
// syntax error anywhere leaves the whole file out, as in Falco.
func (st *load) loadFile(name string, data []byte) {
	st.spec.Files = append(st.spec.Files, name)
	docs, err := decodeAll(data)
	if err != nil {
		st.add(yamlErrorPos(name, err), rules.SeverityError, "invalid YAML: "+yamlErrorText(err))
		return
	}
	for _, d := range docs {
		root := d
		if root.Kind == yaml.DocumentNode {
			if len(root.Content) == 0 {
				continue
			}
			root = root.Content[0]
		}
		root = yamlnode.Resolve(root)
		if yamlnode.IsNull(root) {
			continue
		}
		if root.Kind != yaml.SequenceNode {
			st.add(pos(name, root), rules.SeverityError,
				"rules content must be a sequence of items (lists, macros, rules), found "+kindName(root))
			continue
		}
		for _, n := range root.Content {
			st.readItem(name, n)
		}
	}
}

// decodeAll parses every YAML document of data.
func decodeAll(data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml parser failed: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if err == io.EOF {
				return docs, nil
			}
			return nil, err
		}
		docs = append(docs, &n)
	}
}

// yamlErrorText strips the "yaml: line N: " prefix of a parser error.
func yamlErrorText(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(s, "line ") {
		if i := strings.Index(s, ": "); i > 0 {
			return s[i+2:]
		}
	}
	return s
}

// yamlErrorPos finds the line of a parser error ("yaml: line N: ...").
func yamlErrorPos(file string, err error) rules.Position {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(s, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				return rules.Position{File: file, Line: n}
			}
		}
	}
	return rules.Position{File: file}
}

// finish computes the derived parts of the spec and the result.
func (st *load) finish() (*rules.Spec, []rules.Diagnostic, error) {
	st.expand()
	var first *rules.Diagnostic
	n := 0
	for i := range st.diags {
		if st.diags[i].Severity == rules.SeverityError {
			if first == nil {
				first = &st.diags[i]
			}
			n++
		}
	}
	if first == nil {
		return st.spec, st.diags, nil
	}
	if n == 1 {
		return st.spec, st.diags, fmt.Errorf("%w: %s", ErrInvalid, first)
	}
	return st.spec, st.diags, fmt.Errorf("%w: %s (and %d more errors)", ErrInvalid, first, n-1)
}
