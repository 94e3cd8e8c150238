package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/yamlnode"
)

// Load reads the configuration file at path, merges the files its
// config_files names, applies sets (--set options, each "key=value", in
// order) and checks the result, as the package documentation describes.
//
// An empty path means [DefaultPath], which may be missing: the defaults
// (with sets applied) are then the configuration. A path given and
// missing is an error.
//
// Load returns every warning. When anything is wrong it returns no
// Config and an error that joins (errors.Join) one [*Error] per problem,
// each with the position it comes from: a half-valid configuration is
// never returned.
func Load(path string, sets []string) (*Config, []Warning, error) {
	l := &loader{lookupEnv: os.LookupEnv, defaultPath: DefaultPath}
	return l.load(path, sets)
}

// Validate is [Load] for "peregrine config validate": every warning and
// every error (each an [*Error]), none when the configuration is good.
func Validate(path string, sets []string) ([]Warning, []error) {
	_, warnings, err := Load(path, sets)
	return warnings, Errors(err)
}

// Errors splits an error returned by [Load] into the problems it joins.
func Errors(err error) []error {
	if err == nil {
		return nil
	}
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		return j.Unwrap()
	}
	return []error{err}
}

// loader holds the state of one Load.
type loader struct {
	lookupEnv   func(string) (string, bool)
	defaultPath string

	orig  origins
	p     problems
	files []string
	main  string // the main file's path, for problems that have no key
}

func (l *loader) load(path string, sets []string) (*Config, []Warning, error) {
	l.orig = origins{}
	var opts []setOption
	for _, s := range sets {
		o, err := parseSet(s)
		if err != nil {
			l.p.errorf(Pos{File: o.label}, "%v", err)
			continue
		}
		opts = append(opts, o)
	}
	explicit := path != ""
	if !explicit {
		path = l.defaultPath
	}
	l.main = path
	root := l.readMain(path, explicit)
	if root == nil {
		return nil, l.p.warnings, errors.Join(l.p.errs...)
	}

	// Falco applies -o config_files=... before it merges the files, and
	// every other -o after.
	for _, o := range opts {
		if o.steps[0].name == "config_files" {
			l.apply(root, o)
		}
	}
	l.include(root, path)
	for _, o := range opts {
		if o.steps[0].name != "config_files" {
			l.apply(root, o)
		}
	}

	c := Default()
	d := &decoder{orig: l.orig, p: &l.p, at: map[string]Pos{}, failed: map[string]bool{}}
	d.section(root, "", fields(c))
	l.check(c, d.at, d.failed)
	c.Files = l.files
	if len(l.p.errs) > 0 {
		return nil, l.p.warnings, errors.Join(l.p.errs...)
	}
	return c, l.p.warnings, nil
}

func (l *loader) apply(root *yaml.Node, o setOption) {
	if err := o.apply(root, l.orig); err != nil {
		l.p.errorf(Pos{File: o.label}, "%v", err)
	}
}

// readMain reads the main file: its top-level mapping, an empty one when
// the default file is missing, nil when it cannot be used.
func (l *loader) readMain(path string, explicit bool) *yaml.Node {
	data, err := os.ReadFile(path)
	if !explicit && errors.Is(err, fs.ErrNotExist) {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	return l.parse(path, data, err)
}

// parse turns a file's content (or the error reading it) into its
// top-level mapping with environment variables expanded; nil when it
// cannot be used.
func (l *loader) parse(path string, data []byte, readErr error) *yaml.Node {
	if readErr != nil {
		var pe *fs.PathError
		if errors.As(readErr, &pe) {
			readErr = pe.Err
		}
		l.p.errorf(Pos{File: path}, "read: %v", readErr)
		return nil
	}
	root := parseFile(path, data, l.orig, &l.p)
	if root == nil {
		return nil
	}
	l.files = append(l.files, path)
	expandEnv(root, l.lookupEnv, func(n *yaml.Node, name string) {
		l.p.warnf(l.orig.pos(n), "environment variable %s is not set: ${%s} is empty", name, name)
	})
	return root
}

// include merges the files named by root's config_files into root.
func (l *loader) include(root *yaml.Node, mainPath string) {
	idx := lookupKey(root, "config_files")
	if idx < 0 {
		return
	}
	list := yamlnode.Resolve(root.Content[idx])
	items := []*yaml.Node{list}
	if list != nil && list.Kind == yaml.SequenceNode {
		items = list.Content
	}
	for _, item := range items {
		// Problems with the entry itself are reported when config_files
		// is decoded with the rest; here a bad entry is only skipped.
		var cfs []ConfigFile
		scratch := &decoder{orig: l.orig, p: &problems{}, at: map[string]Pos{}}
		configFiles(&cfs)(scratch, "config_files", item)
		if len(scratch.p.errs) > 0 {
			continue
		}
		for _, cf := range cfs {
			l.includePath(root, cf, mainPath, l.orig.pos(yamlnode.Resolve(item)))
		}
	}
}

// includePath merges one config_files entry: a file, or a directory's
// YAML files in lexical order.
func (l *loader) includePath(root *yaml.Node, cf ConfigFile, mainPath string, at Pos) {
	if filepath.Clean(cf.Path) == filepath.Clean(mainPath) {
		l.p.errorf(at, "config_files: %s is the main configuration file", cf.Path)
		return
	}
	st, err := os.Stat(cf.Path)
	if errors.Is(err, fs.ErrNotExist) {
		l.p.warnf(at, "config_files: %s does not exist; skipped", cf.Path)
		return
	}
	if err != nil {
		l.p.errorf(at, "config_files: %v", err)
		return
	}
	if !st.IsDir() {
		l.includeFile(root, cf.Path, cf.Strategy)
		return
	}
	entries, err := os.ReadDir(cf.Path) // sorted by name
	if err != nil {
		l.p.errorf(at, "config_files: %v", err)
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") {
			continue
		}
		full := filepath.Join(cf.Path, name)
		if st, err := os.Stat(full); err != nil || !st.Mode().IsRegular() {
			continue
		}
		l.includeFile(root, full, cf.Strategy)
	}
}

// includeFile reads one included file and merges it into root.
func (l *loader) includeFile(root *yaml.Node, path, strategy string) {
	data, err := os.ReadFile(path)
	inc := l.parse(path, data, err)
	if inc == nil {
		return
	}
	for i := 0; i+1 < len(inc.Content); i += 2 {
		k, v := inc.Content[i], inc.Content[i+1]
		rk := yamlnode.Resolve(k)
		if rk == nil || rk.Kind != yaml.ScalarNode {
			root.Content = append(root.Content, k, v) // decoding reports it
			continue
		}
		if rk.Value == "config_files" {
			l.p.errorf(l.orig.pos(rk), "config_files: an included file cannot include others")
			continue
		}
		at := lookupKey(root, rk.Value)
		switch {
		case at < 0:
			root.Content = append(root.Content, k, v)
		case strategy == StrategyAddOnly:
		case strategy == StrategyAppend && isList(root.Content[at]) && isList(v):
			old := yamlnode.Resolve(root.Content[at])
			merged := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: old.Line, Column: old.Column}
			merged.Content = append(append(merged.Content, old.Content...), yamlnode.Resolve(v).Content...)
			l.orig[merged] = l.orig[old]
			root.Content[at] = merged
		default:
			root.Content[at-1], root.Content[at] = k, v
		}
	}
}

func isList(n *yaml.Node) bool {
	n = yamlnode.Resolve(n)
	return n != nil && n.Kind == yaml.SequenceNode
}
