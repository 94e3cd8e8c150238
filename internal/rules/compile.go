package rules

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"peregrine/internal/alert"
	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// Matching says which of the rules that match an event are reported, as
// Falco's rule_matching setting does.
type Matching uint8

// Matching modes.
const (
	MatchFirst Matching = iota // the first matching rule in rule order (Falco's default)
	MatchAll                   // every matching rule
)

// maxEventTypes is the number of event types past which a rule gets a
// warning (Falco: more than 100, or none).
const maxEventTypes = 100

// DefaultMaxDepth is the nesting limit of conditions, as Falco sets it
// for rule files.
const DefaultMaxDepth = 1000

// Options configure [Compile].
type Options struct {
	// Catalog gives the fields; nil means field.Default().
	Catalog *field.Catalog
	// Source is the event source whose rules are compiled; "" means
	// syscall. Rules of other sources are left out.
	Source string
	// Binder gives the extractors of Source. Nil compiles to check only:
	// every error is found, but the rule set cannot run.
	Binder field.Binder
	// MinPriority leaves out rules less severe (Falco's "priority"
	// setting). The zero value, PriorityEmergency, would keep only
	// emergencies, so the zero Options keep every rule: see Compile.
	MinPriority alert.Priority
	// HasMinPriority says MinPriority is set.
	HasMinPriority bool
	// Matching chooses the first matching rule or all of them.
	Matching Matching
	// MaxDepth bounds the nesting of conditions; 0 means DefaultMaxDepth.
	MaxDepth int
	// AppendOutput is an output format added, after a space, to the
	// output of every rule (Falco's append_output extra_output): its
	// fields go into the message and into the alert's fields.
	AppendOutput string
	// Appends are more output formats, each added (after AppendOutput,
	// in order) to the rules it selects: Falco's append_output entries
	// with a match. An entry that selects no rule of the source compiled
	// (its Source names another one, or its Rule or Tags choose none)
	// is not checked against this source's fields.
	Appends []Append
}

// Append is an output format added to the output of the rules it
// selects. Every condition given must hold; none selects every rule.
type Append struct {
	Source string   // the rule's source
	Tags   []string // all of them tags of the rule
	Rule   string   // the rule's name
	Output string   // the format added, after a space
}

// selects reports whether a adds its output to r.
func (a *Append) selects(r *Rule) bool {
	if (a.Source != "" && a.Source != r.Source) || (a.Rule != "" && a.Rule != r.Name) {
		return false
	}
	for _, t := range a.Tags {
		if !slices.Contains(r.Tags, t) {
			return false
		}
	}
	return true
}

// mayApply reports whether a may add its output to a rule of source in
// spec: an entry without a rule or tags counts for every rule of its
// source, even when spec has none, so that its format is always checked.
func (a *Append) mayApply(spec *Spec, source string) bool {
	if a.Source != "" && a.Source != source {
		return false
	}
	if a.Rule == "" && len(a.Tags) == 0 {
		return true
	}
	for i := range spec.Rules {
		if r := &spec.Rules[i]; r.Source == source && a.selects(r) {
			return true
		}
	}
	return false
}

// ErrAppendOutput is wrapped by the error of [Compile] when
// Options.AppendOutput is not a valid output format.
var ErrAppendOutput = errors.New("append output")

// ErrCompile is wrapped by the error of [Compile] when a rule, macro or
// list does not compile; the diagnostics say which and why.
var ErrCompile = errors.New("rules do not compile")

// compiler holds what one Compile call builds.
type compiler struct {
	spec    *Spec
	opt     Options
	checks  checkCompiler
	inl     inliner
	loc     locator
	all     typeSet
	diags   []Diagnostic
	nerrors int

	listUsed map[string]bool
	lists    map[string]*List
	shared   sharedChecks
}

// Compile turns the rules of one event source in spec into a runnable
// [Ruleset]: every macro and rule condition is parsed, macros are inlined
// with Falco's visibility, every check is compiled against the catalog
// (and bound to the source when a Binder is given), the event types each
// rule needs are computed, and outputs are compiled. Disabled rules and
// rules below the minimum priority are compiled (so their errors show) but
// not run.
//
// It returns every diagnostic, errors and warnings, in file order; the
// error, wrapping ErrCompile, is non-nil when any diagnostic is an error,
// and then the Ruleset holds only the rules that compiled.
func Compile(spec *Spec, opt Options) (*Ruleset, []Diagnostic, error) {
	c := newCompiler(spec, &opt)
	if opt.AppendOutput != "" {
		c.checks = checkCompiler{cat: opt.Catalog, source: opt.Source, binder: opt.Binder}
		if _, err := c.format(opt.AppendOutput); err != nil {
			return nil, nil, fmt.Errorf("%w %q: %v", ErrAppendOutput, opt.AppendOutput, err)
		}
	}
	for i := range opt.Appends {
		a := &opt.Appends[i]
		if !a.mayApply(spec, opt.Source) {
			// It selects no rule of this source: its fields need not
			// exist in this one.
			continue
		}
		c.checks = checkCompiler{cat: opt.Catalog, source: opt.Source, binder: opt.Binder}
		if _, err := c.format(a.Output); err != nil {
			return nil, nil, fmt.Errorf("%w %q: %v", ErrAppendOutput, a.Output, err)
		}
	}
	rs := c.source(opt)
	if c.coversAllRules(opt.Source) {
		c.warnUnused()
	}
	return rs, c.sorted(), c.err()
}

// Validate compiles the rules of every source in spec against the catalog
// (nil: field.Default()) without binding them, as `peregrine rules
// validate` and Falco's -V do: it returns every error and warning,
// including macros and lists no rule uses and rules of sources the catalog
// does not know (which are skipped). The error, wrapping ErrCompile, is
// non-nil when any diagnostic is an error.
func Validate(spec *Spec, cat *field.Catalog) ([]Diagnostic, error) {
	opt := Options{Catalog: cat}
	c := newCompiler(spec, &opt)
	known := map[string]bool{}
	for _, src := range opt.Catalog.Sources() {
		known[src] = true
	}
	done := map[string]bool{}
	for i := range spec.Rules {
		r := &spec.Rules[i]
		switch {
		case done[r.Source]:
		case !known[r.Source]:
			c.warnf(r.Pos, "rule %q: unknown source %q: rule skipped", r.Name, r.Source)
		default:
			done[r.Source] = true
			o := opt
			o.Source = r.Source
			c.source(o)
		}
	}
	c.warnUnused()
	return c.sorted(), c.err()
}

func newCompiler(spec *Spec, opt *Options) *compiler {
	if opt.Catalog == nil {
		opt.Catalog = field.Default()
	}
	if opt.Source == "" {
		opt.Source = field.SourceSyscall
	}
	if opt.MaxDepth == 0 {
		opt.MaxDepth = DefaultMaxDepth
	}
	c := &compiler{
		spec: spec,
		opt:  *opt,
		inl:  inliner{macros: map[string]*macroInfo{}, origins: map[*syntax.Check]origin{}},
		all:  allTypes(),
	}
	c.parseMacros()
	return c
}

// source compiles the rules of one source.
func (c *compiler) source(opt Options) *Ruleset {
	c.opt = opt
	c.checks = checkCompiler{cat: opt.Catalog, source: opt.Source, binder: opt.Binder}
	rs := &Ruleset{source: opt.Source, matching: opt.Matching, runnable: opt.Binder != nil}
	c.shared = sharedChecks{epoch: &rs.epoch, uses: map[string]int{}, preds: map[string]pred{}}
	var prepared []*preparedRule
	for i := range c.spec.Rules {
		r := &c.spec.Rules[i]
		if r.Source != opt.Source {
			continue
		}
		if p := c.prepare(r); p != nil {
			prepared = append(prepared, p)
			c.shared.count(p.tree)
		}
	}
	for _, p := range prepared {
		if cr := c.rule(p); cr != nil {
			rs.rules = append(rs.rules, cr)
			c.usedLists(p.rule.ListRefs)
		}
	}
	rs.index(opt, c.all)
	return rs
}

// preparedRule is a rule whose condition is parsed, with macros inlined
// and event types computed.
type preparedRule struct {
	rule  *Rule
	tree  syntax.Expr // without the checks the index decides; nil if none is left
	full  syntax.Expr // the whole condition
	types typeSet
}

// sorted returns the diagnostics in file order: by file (in the order the
// spec read them), line and column.
func (c *compiler) sorted() []Diagnostic {
	rank := map[string]int{}
	for i, f := range c.spec.Files {
		rank[f] = i
	}
	sort.SliceStable(c.diags, func(i, j int) bool {
		a, b := c.diags[i].Pos, c.diags[j].Pos
		if a.File != b.File {
			return rank[a.File] < rank[b.File]
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return c.diags
}

func (c *compiler) err() error {
	if c.nerrors > 0 {
		return fmt.Errorf("%w: %d errors", ErrCompile, c.nerrors)
	}
	return nil
}

// coversAllRules reports whether every rule of the spec is of source src:
// then unused macros and lists are known after compiling it alone.
func (c *compiler) coversAllRules(src string) bool {
	for i := range c.spec.Rules {
		if c.spec.Rules[i].Source != src {
			return false
		}
	}
	return true
}

func (c *compiler) errorf(pos Position, format string, args ...any) {
	c.nerrors++
	c.diags = append(c.diags, Diagnostic{Pos: pos, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

func (c *compiler) warnf(pos Position, format string, args ...any) {
	c.diags = append(c.diags, Diagnostic{Pos: pos, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
}

// parseMacros parses every macro's condition. Macros are not compiled on
// their own: their fields depend on the source of the rules that use them.
func (c *compiler) parseMacros() {
	for i := range c.spec.Macros {
		m := &c.spec.Macros[i]
		info := &macroInfo{spec: m}
		c.inl.macros[m.Name] = info
		tree, err := syntax.Parse(m.Expanded, syntax.MaxDepth(c.opt.MaxDepth))
		if err != nil {
			var list syntax.ErrorList
			if errors.As(err, &list) && len(list) > 0 {
				c.errorf(c.loc.locate(m.ConditionPos, m.Expanded, list[0].Pos.Offset), "macro %q: %s", m.Name, list[0].Msg)
			} else {
				c.errorf(m.ConditionPos, "macro %q: %v", m.Name, err)
			}
			continue
		}
		info.tree = tree
	}
}

// rule compiles one rule, or reports why it cannot and returns nil.
// prepare parses a rule's condition, inlines its macros and computes its
// event types, or reports why it cannot and returns nil.
func (c *compiler) prepare(r *Rule) *preparedRule {
	tree, err := syntax.Parse(r.Expanded, syntax.MaxDepth(c.opt.MaxDepth))
	if err != nil {
		var list syntax.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			c.errorf(c.loc.locate(r.ConditionPos, r.Expanded, list[0].Pos.Offset), "rule %q: %s", r.Name, list[0].Msg)
		} else {
			c.errorf(r.ConditionPos, "rule %q: %v", r.Name, err)
		}
		return nil
	}
	tree, err = c.inl.inline(tree, int(^uint(0)>>1), nil)
	if err != nil {
		c.reportInline(r, err)
		return nil
	}
	types, err := eventTypes(tree, c.all)
	if err != nil {
		c.errorf(r.ConditionPos, "rule %q: %v", r.Name, err)
		return nil
	}
	return &preparedRule{rule: r, tree: dropIndexedChecks(tree, types), full: tree, types: types}
}

// rule compiles a prepared rule, or reports why it cannot and returns nil.
func (c *compiler) rule(p *preparedRule) *CompiledRule {
	r, types := p.rule, p.types
	cond, err := c.expr(p.tree)
	if err != nil {
		if c.skipUnknown(r, err) {
			return nil
		}
		c.reportCheck(r, err)
		return nil
	}
	if c.opt.Source != field.SourceSyscall {
		types = c.all
	}
	if n := types.count(); c.opt.Source == field.SourceSyscall && r.WarnEvttypes && (n == 0 || n > maxEventTypes) {
		c.warnf(r.ConditionPos, "rule %q matches too many event types (%d): it is tested on most events, which costs; restrict it with evt.type", r.Name, n)
	}
	out, err := c.output(r)
	if err != nil {
		if c.skipUnknown(r, err) {
			return nil
		}
		var pe *posError
		if errors.As(err, &pe) {
			c.errorf(c.loc.locate(r.OutputPos, r.Output, pe.Pos.Offset), "rule %q: output: %s", r.Name, pe.Msg)
		} else {
			c.errorf(r.OutputPos, "rule %q: output: %v", r.Name, err)
		}
		return nil
	}
	c.warnDeprecated(r, p.full)
	return &CompiledRule{Rule: r, cond: cond, types: types, out: out}
}

// skipUnknown handles an unknown field in a rule flagged
// skip-if-unknown-filter: the rule is left out with a warning.
func (c *compiler) skipUnknown(r *Rule, err error) bool {
	var pe *posError
	if !r.SkipIfUnknownFilter || !errors.As(err, &pe) || !pe.Unknown {
		return false
	}
	c.warnf(r.Pos, "rule %q skipped (skip-if-unknown-filter): %s", r.Name, pe.Msg)
	return true
}

// reportInline reports a macro that a rule or macro names but cannot use.
func (c *compiler) reportInline(r *Rule, err error) {
	var um *undefinedMacroError
	if errors.As(err, &um) {
		if um.InMacro != nil {
			c.errorf(c.loc.locate(um.InMacro.ConditionPos, um.InMacro.Expanded, um.Pos.Offset), "macro %q (used by rule %q): %v", um.InMacro.Name, r.Name, um)
			return
		}
		c.errorf(c.loc.locate(r.ConditionPos, r.Expanded, um.Pos.Offset), "rule %q: %v", r.Name, um)
		return
	}
	c.errorf(r.ConditionPos, "rule %q: %v", r.Name, err)
}

// reportCheck reports a check that does not compile, at its place in the
// rule or in the macro it came from.
func (c *compiler) reportCheck(r *Rule, err error) {
	var ce *checkError
	if !errors.As(err, &ce) {
		c.errorf(r.ConditionPos, "rule %q: %v", r.Name, err)
		return
	}
	if o, ok := c.inl.origins[ce.check]; ok && o.macro != nil {
		m := o.macro
		c.errorf(c.loc.locate(m.ConditionPos, m.Expanded, ce.pos.Pos.Offset), "macro %q (used by rule %q): %s", m.Name, r.Name, ce.pos.Msg)
		return
	}
	c.errorf(c.loc.locate(r.ConditionPos, r.Expanded, ce.pos.Pos.Offset), "rule %q: %s", r.Name, ce.pos.Msg)
}

// checkError is a check that does not compile.
type checkError struct {
	check *syntax.Check
	pos   *posError
}

func (e *checkError) Error() string { return e.pos.Error() }
func (e *checkError) Unwrap() error { return e.pos }

// expr compiles a rule's tree (macros inlined) into a predicate; without a
// binder it type-checks and returns a nil predicate.
func (c *compiler) expr(e syntax.Expr) (pred, error) {
	switch n := e.(type) {
	case nil: // every check was decided by the event-type index
		if c.opt.Binder == nil {
			return nil, nil
		}
		return func() bool { return true }, nil
	case *syntax.And:
		ps, err := c.exprs(n.Children)
		if err != nil || c.opt.Binder == nil {
			return nil, err
		}
		return andPred(ps), nil
	case *syntax.Or:
		ps, err := c.exprs(n.Children)
		if err != nil || c.opt.Binder == nil {
			return nil, err
		}
		return orPred(ps), nil
	case *syntax.Not:
		p, err := c.expr(n.X)
		if err != nil || c.opt.Binder == nil {
			return nil, err
		}
		return func() bool { return !p() }, nil
	case *syntax.Check:
		key := n.String()
		if p, ok := c.shared.preds[key]; ok {
			return p, nil
		}
		p, err := c.checks.check(n)
		if err != nil {
			var pe *posError
			if !errors.As(err, &pe) {
				pe = &posError{Pos: n.Pos, Msg: err.Error()}
			}
			return nil, &checkError{check: n, pos: pe}
		}
		return c.shared.share(key, p), nil
	case *syntax.MacroRef:
		return nil, fmt.Errorf("undefined macro %s", n.Name)
	}
	return nil, fmt.Errorf("unexpected node %T", e)
}

func (c *compiler) exprs(es []syntax.Expr) ([]pred, error) {
	ps := make([]pred, 0, len(es))
	for _, e := range es {
		p, err := c.expr(e)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// andPred returns the conjunction of ps, evaluated in order and stopping
// at the first false.
func andPred(ps []pred) pred {
	switch len(ps) {
	case 1:
		return ps[0]
	case 2:
		a, b := ps[0], ps[1]
		return func() bool { return a() && b() }
	case 3:
		a, b, d := ps[0], ps[1], ps[2]
		return func() bool { return a() && b() && d() }
	}
	return func() bool {
		for _, p := range ps {
			if !p() {
				return false
			}
		}
		return true
	}
}

// orPred returns the disjunction of ps, evaluated in order and stopping at
// the first true.
func orPred(ps []pred) pred {
	switch len(ps) {
	case 1:
		return ps[0]
	case 2:
		a, b := ps[0], ps[1]
		return func() bool { return a() || b() }
	case 3:
		a, b, d := ps[0], ps[1], ps[2]
		return func() bool { return a() || b() || d() }
	}
	return func() bool {
		for _, p := range ps {
			if p() {
				return true
			}
		}
		return false
	}
}

// warnDeprecated warns about deprecated fields in a rule's condition.
func (c *compiler) warnDeprecated(r *Rule, tree syntax.Expr) {
	seen := map[string]bool{}
	syntax.Inspect(tree, func(n syntax.Node) bool {
		f, ok := n.(*syntax.Field)
		if !ok || seen[f.Name] {
			return true
		}
		if fd, _, ok := c.opt.Catalog.Lookup(c.opt.Source, f.Name); ok && fd.Flags&field.Deprecated != 0 {
			seen[f.Name] = true
			c.warnf(r.ConditionPos, "rule %q: field %s is deprecated", r.Name, f.Name)
		}
		return true
	})
}

// warnUnused warns about macros and lists that no compiled rule uses,
// directly or through a macro or a list, as Falco does.
func (c *compiler) warnUnused() {
	for i := range c.spec.Macros {
		m := &c.spec.Macros[i]
		if info := c.inl.macros[m.Name]; info != nil && info.used {
			c.usedLists(m.ListRefs)
		}
	}
	for i := range c.spec.Macros {
		m := &c.spec.Macros[i]
		if info := c.inl.macros[m.Name]; info != nil && !info.used {
			c.warnf(m.Pos, "macro %q is not used by any rule or macro", m.Name)
		}
	}
	for i := range c.spec.Lists {
		l := &c.spec.Lists[i]
		if !c.listUsed[l.Name] {
			c.warnf(l.Pos, "list %q is not used by any rule, macro or list", l.Name)
		}
	}
}

// usedLists records lists as used, and the lists they expand.
func (c *compiler) usedLists(names []string) {
	if c.listUsed == nil {
		c.listUsed = map[string]bool{}
		c.lists = map[string]*List{}
		for i := range c.spec.Lists {
			c.lists[c.spec.Lists[i].Name] = &c.spec.Lists[i]
		}
	}
	for _, n := range names {
		if c.listUsed[n] {
			continue
		}
		c.listUsed[n] = true
		if l := c.lists[n]; l != nil {
			c.usedLists(l.ListRefs)
		}
	}
}
