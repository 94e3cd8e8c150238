package image

import (
	"archive/tar"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Options bound and direct an analysis. Zero fields take the defaults
// shown.
type Options struct {
	Ref           string // the image to analyse by tag, when the archive holds several
	MaxScanBytes  int64  // content bytes scanned per file: 64 MiB
	MaxLayerBytes int64  // uncompressed bytes per layer: 64 GiB
	MaxRatio      int64  // compression ratio past 64 MiB uncompressed: 1000
	MaxJSONBytes  int64  // bytes of a manifest, index or configuration: 16 MiB
	MaxEntries    int    // entries of the effective file tree: 4 Mi
	MaxFindings   int    // findings kept, the most severe first: 10000

	ratioFloor int64 // uncompressed bytes before MaxRatio applies: 64 MiB
}

func (o Options) withDefaults() Options {
	o.MaxScanBytes = cmp.Or(o.MaxScanBytes, 64<<20)
	o.MaxLayerBytes = cmp.Or(o.MaxLayerBytes, 64<<30)
	o.MaxRatio = cmp.Or(o.MaxRatio, 1000)
	o.MaxJSONBytes = cmp.Or(o.MaxJSONBytes, 16<<20)
	o.MaxEntries = cmp.Or(o.MaxEntries, 4<<20)
	o.MaxFindings = cmp.Or(o.MaxFindings, 10000)
	o.ratioFloor = cmp.Or(o.ratioFloor, 64<<20)
	return o
}

// observation is something found in a file of one layer while reading
// it; whether that file survives to the effective tree decides which of
// its two severities applies.
type observation struct {
	path         string
	layer        int
	rule, reason string
	evidence     string
	present      Severity // the file is in the effective tree
	removed      Severity // a later layer deleted or replaced it
}

// analysis is the state of one [Analyze] call.
type analysis struct {
	s        store
	opt      Options
	tree     *tree
	m        *matcher
	obs      []observation
	findings []Finding
	omitted  int
	sum      Summary
	digests  []string // diff id per layer
	tooMany  error    // set by observe past MaxEntries observations
}

// Analyze reads the image saved at p (a docker save tar file or an
// extracted directory, legacy or OCI layout) and reports on it. It reads
// only: nothing is extracted or written. Errors name the file and the
// member at fault; a digest that does not match is an error. Analyze
// shares no state between calls: calls may run concurrently.
func Analyze(p string, opt Options) (*Report, error) {
	s, err := openStore(p)
	if err != nil {
		return nil, err
	}
	defer s.close()
	r, err := analyze(s, opt.withDefaults())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	r.Source = p
	return r, nil
}

func analyze(s store, opt Options) (*Report, error) {
	layout, refs, err := images(s, opt.MaxJSONBytes)
	if err != nil {
		return nil, err
	}
	ref, err := pick(refs, opt.Ref)
	if err != nil {
		return nil, err
	}
	raw, err := readBlob(s, ref.config.name, ref.config.digest, opt.MaxJSONBytes)
	if err != nil {
		return nil, err
	}
	var cfg imageConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", ref.config.name, err)
	}
	if len(cfg.RootFS.DiffIDs) != len(ref.layers) {
		return nil, fmt.Errorf("%s: %d diff_ids for %d layers in the manifest", ref.config.name, len(cfg.RootFS.DiffIDs), len(ref.layers))
	}
	sum := sha256.Sum256(raw)
	a := &analysis{s: s, opt: opt, tree: newTree(opt.MaxEntries), m: newMatcher(contentMarkers), digests: cfg.RootFS.DiffIDs}
	rep := &Report{Layout: layout, Image: info(ref, cfg, "sha256:"+hex.EncodeToString(sum[:]))}
	for i, l := range ref.layers {
		layer, err := a.readLayer(i, l, cfg.RootFS.DiffIDs[i])
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i, err)
		}
		rep.Layers = append(rep.Layers, layer)
	}
	rep.History = a.history(cfg, rep.Layers)
	rep.Config = a.config(cfg)
	a.resolve()
	a.fileTree()
	a.removals()
	a.flush()
	rep.Findings = a.findings
	a.sum.Omitted = a.omitted
	a.sum.BySeverity = map[string]int{}
	for _, s := range Severities() {
		a.sum.BySeverity[string(s)] = 0
	}
	for _, f := range a.findings {
		a.sum.BySeverity[string(f.Severity)]++
	}
	rep.Summary = a.sum
	return rep, nil
}

// info describes the image from its configuration.
func info(ref imageRef, cfg imageConfig, id string) ImageInfo {
	tags := slices.Clone(ref.tags)
	slices.Sort(tags)
	return ImageInfo{Tags: nonNil(tags), ID: id, OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant,
		Created: stamp(cfg.Created), Author: cfg.Author, DockerVersion: cfg.DockerVersion}
}

// stamp normalises a time of the configuration to RFC 3339 in UTC; a
// value that is not a time is kept as it is (it is evidence too).
func stamp(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	switch {
	case err != nil:
		return s
	case t.IsZero():
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// observe keeps an observation; past MaxEntries of them it keeps none and
// [analysis.overflow] says so.
func (a *analysis) observe(o observation) {
	if len(a.obs) >= a.opt.MaxEntries {
		a.tooMany = fmt.Errorf("more than %d suspicious files", a.opt.MaxEntries)
		return
	}
	a.obs = append(a.obs, o)
}

// overflow reports whether the observations or the tree's record of
// removed files have passed their bound: memory stays bounded by
// MaxEntries whatever the layers hold.
func (a *analysis) overflow() error {
	if a.tooMany != nil {
		return a.tooMany
	}
	return a.tree.err
}

// add keeps a finding, trimming to the most severe MaxFindings when twice
// that many have piled up.
func (a *analysis) add(f Finding) {
	a.findings = append(a.findings, f)
	if len(a.findings) >= 2*a.opt.MaxFindings {
		a.flush()
	}
}

// flush sorts the findings and keeps the MaxFindings most severe.
func (a *analysis) flush() {
	slices.SortStableFunc(a.findings, compareFindings)
	if len(a.findings) > a.opt.MaxFindings {
		a.omitted += len(a.findings) - a.opt.MaxFindings
		a.findings = a.findings[:a.opt.MaxFindings]
	}
	if a.findings == nil {
		a.findings = []Finding{}
	}
}

func compareFindings(x, y Finding) int {
	return cmp.Or(
		cmp.Compare(y.Severity.Rank(), x.Severity.Rank()),
		cmp.Compare(x.Rule, y.Rule),
		cmp.Compare(x.Path, y.Path),
		cmp.Compare(x.Where, y.Where),
		cmp.Compare(layerOf(x.Layer), layerOf(y.Layer)),
		cmp.Compare(x.Evidence, y.Evidence),
	)
}

func layerOf(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

func ptr(i int) *int { return &i }

// finding fills the layer fields of a finding.
func (a *analysis) finding(sev Severity, rule, p string, layer int, reason string) Finding {
	f := Finding{Severity: sev, Rule: rule, Path: p, Reason: reason}
	if layer >= 0 {
		f.Layer, f.Digest = ptr(layer), a.digests[layer]
	}
	return f
}

// resolve turns the observations into findings now that the effective
// tree says which files survived.
func (a *analysis) resolve() {
	gone := map[string]removal{}
	for _, r := range a.tree.removals {
		gone[fmt.Sprintf("%s\x00%d", r.path, r.layer)] = r
	}
	for _, o := range a.obs {
		f := a.finding(o.present, o.rule, "/"+o.path, o.layer, o.reason)
		f.Evidence = o.evidence
		if n := a.tree.lookup(o.path); n == nil || n.layer != o.layer {
			f.Severity = o.removed
			if r, ok := gone[fmt.Sprintf("%s\x00%d", o.path, o.layer)]; ok {
				f.DeletedIn = ptr(r.removedIn)
				verb := "deleted"
				if r.replaced {
					verb = "replaced"
				}
				f.Reason += fmt.Sprintf("; %s in layer %d but still stored in layer %d", verb, r.removedIn, o.layer)
			}
		}
		a.add(f)
	}
	a.obs = nil
}

// fileTree judges every entry of the effective tree.
func (a *analysis) fileTree() {
	a.tree.walk(func(p string, n *node) {
		a.sum.Files++
		if n.typ == tar.TypeReg {
			a.sum.Bytes += n.size
		}
		for _, tf := range checkEntry(p, n) {
			a.add(a.finding(tf.severity, tf.rule, "/"+p, n.layer, tf.reason))
		}
	})
}

// removals reports, per layer, the regular files it deleted or replaced
// that an earlier layer still holds (secret-looking ones are findings of
// their own, raised by the file checks).
func (a *analysis) removals() {
	type group struct {
		paths []string
		bytes int64
	}
	by := map[int]*group{}
	for _, r := range a.tree.removals {
		if r.typ != tar.TypeReg {
			continue
		}
		a.sum.Recovered++
		g := by[r.removedIn]
		if g == nil {
			g = &group{}
			by[r.removedIn] = g
		}
		g.paths = append(g.paths, "/"+r.path)
		g.bytes += r.size
	}
	for layer, g := range by {
		slices.Sort(g.paths)
		ev := g.paths
		if len(ev) > 5 {
			ev = append(slices.Clone(ev[:5]), fmt.Sprintf("... %d more", len(g.paths)-5))
		}
		f := a.finding(Info, "recoverable-files", "", layer,
			fmt.Sprintf("%d files (%d bytes) deleted or replaced in this layer are still stored in earlier layers", len(g.paths), g.bytes))
		f.Evidence = strings.Join(ev, ", ")
		a.add(f)
	}
}
