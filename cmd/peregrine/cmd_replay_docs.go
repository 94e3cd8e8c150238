package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"peregrine/internal/cloudtrail"
	"peregrine/internal/compute"
	"peregrine/internal/docsrc"
	"peregrine/internal/engine"
	"peregrine/internal/field"
	"peregrine/internal/guardduty"
	"peregrine/internal/k8saudit"
)

// documentSources are the event sources whose events are JSON documents,
// by the name rules give them, for replay --source.
func documentSources() map[string]*docsrc.Def {
	return map[string]*docsrc.Def{
		field.SourceK8sAudit:   k8saudit.Def(""),
		field.SourceCloudTrail: cloudtrail.Def(),
		field.SourceGuardDuty:  guardduty.Def(),
		field.SourceCompute:    compute.Def(),
	}
}

// maxReportedBad bounds the unusable records replay lists one by one.
const maxReportedBad = 20

// runDocReplay replays a log of JSON documents (a Kubernetes audit log)
// through the rules of their source.
func runDocReplay(stdin io.Reader, stdout, stderr io.Writer, o replayOptions, eo engine.Options) error {
	def, ok := documentSources()[o.source]
	if !ok {
		return usageError{fmt.Errorf("replay: --source %q: want %s", o.source, strings.Join(sourceNames(), ", "))}
	}
	def, learner, err := learningDef(def, o)
	if err != nil {
		return err
	}
	paths := o.rules
	spec, warnings, err := loadRules(paths, stderr, o.quiet)
	if err != nil {
		return err
	}
	ev, cdiags, err := docsrc.New(def, spec, docsrc.Options{
		Matching: eo.Matching, MinPriority: eo.MinPriority, HasMinPriority: eo.HasMinPriority,
		AppendOutput: eo.AppendOutput, Appends: eo.Appends,
	})
	if err != nil {
		return errors.Join(err, diagnosticsError(cdiags))
	}
	if ev.Ruleset().Active() == 0 {
		where := "the default rules"
		if len(paths) > 0 {
			where = strings.Join(paths, ", ")
		}
		return usageError{fmt.Errorf("replay: no %s rules in %s: pass --rules with a rule file for that source, e.g. --rules /etc/falco/k8s_audit_rules.yaml (Falco's, from falcosecurity/plugins)", o.source, where)}
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	emit := alertWriter(out, o.output)
	var bad []string
	nbad := 0
	readErr := readDocInput(ev, o.read, stdin, emit, func(err error) {
		if nbad++; nbad <= maxReportedBad {
			bad = append(bad, err.Error())
		}
	}, func(err error) { fmt.Fprintf(stderr, "peregrine: %v\n", err) })
	if err := out.Flush(); err != nil && readErr == nil {
		readErr = err
	}
	if !o.quiet {
		writeDocSummary(stderr, ev, warnings+len(cdiags), bad, nbad)
		writeLearnerSummary(stderr, learner, o.learningPeriod)
	}
	if readErr == nil && nbad > 0 {
		// The alerts of the good records are out; the exit status says the
		// input was not read whole, as cloud cost and incidents do.
		readErr = fmt.Errorf("replay: %d records skipped (the others were evaluated)", nbad)
	}
	return readErr
}

// openDocLog opens a log file, or standard input for "-"; gzip is
// recognised by its magic number, and its errors named (see gzipErrors).
func openDocLog(name string, stdin io.Reader) (io.Reader, string, func(), error) {
	var r io.Reader = stdin
	closeFn := func() {}
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, "", nil, err
		}
		r, closeFn = f, func() { f.Close() }
	} else {
		name = "standard input"
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			closeFn()
			return nil, "", nil, fmt.Errorf("%s: %w", name, err)
		}
		return gzipErrors{zr}, name, closeFn, nil
	}
	return br, name, closeFn, nil
}

// writeDocSummary says what a replay of documents saw.
func writeDocSummary(w io.Writer, ev *docsrc.Evaluator, warnings int, bad []string, nbad int) {
	c := ev.Counters()
	writeAlertCounts(w, fmt.Sprintf("%d %s events, %d alerts", c.Docs, ev.Def().Source, c.Alerts), warnings, ev.Ruleset().Rules(), c.AlertsByRule)
	if nbad > 0 {
		fmt.Fprintf(w, "peregrine: %d records skipped:\n", nbad)
		for _, b := range bad {
			fmt.Fprintf(w, "  %s\n", b)
		}
		if nbad > len(bad) {
			fmt.Fprintf(w, "  ... and %d more\n", nbad-len(bad))
		}
	}
}

// sourceNames lists the sources replay takes, sorted.
func sourceNames() []string {
	names := []string{field.SourceSyscall}
	for n := range documentSources() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
