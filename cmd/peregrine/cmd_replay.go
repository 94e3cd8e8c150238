package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"peregrine/internal/engine"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/scap"
	defaultrules "peregrine/rules"
)

type replayOptions struct {
	read      string
	rules     []string
	output    string
	priority  string
	matching  string
	appendOut string
	quiet     bool
	source    string // syscall (a capture) or a document source (cmd_replay_docs.go)
	// learningPeriod is aws_cloudtrail's (cmd_replay_learning.go).
	learningPeriod string
}

func newReplayCmd() *cobra.Command {
	o := replayOptions{output: "text", priority: "debug", matching: "first", source: "syscall", learningPeriod: defaultLearningPeriod}
	cmd := &cobra.Command{
		Use:   "replay -r FILE [--rules PATH]... [-o text|json]",
		Short: "Run rules over a capture file and print the alerts",
		Long: `Replay a scap capture (plain or gzip; from sysdig, Falco or Peregrine) through the
state engine and the rules, as if it happened now, and print an alert for each
event a rule matches: detection on recorded evidence.

--rules names rule files or directories (repeatable, read in order), e.g.
Falco's /etc/falco/falco_rules.yaml. Without it: $PEREGRINE_RULES when set, else
/etc/peregrine/rules.d when it exists, else Peregrine's own rules, embedded in the
binary (cryptomining, container escape, privilege escalation, credential access,
persistence, defense evasion, execution; rules/ in the source).

Text alerts are Falco's lines ("time: Priority message"); -o json gives Falco's
JSON alerts, one per line. A summary (events, alerts by rule, state misses) goes to
standard error unless -q.

--source k8s_audit reads a Kubernetes audit log instead (JSON lines, one audit
Event per line as the API server's log backend writes them, or EventList
documents; plain or gzip) and runs the rules of that source: pass them with
--rules, e.g. Falco's k8s_audit_rules.yaml. Lines that cannot be used are
reported with their file:line and the rest is replayed.

--source aws_cloudtrail reads AWS CloudTrail logs: log files as CloudTrail
delivers them to S3 ({"Records": [...]}, .json.gz or .json) or JSON lines, one
record per line; -r may also name a directory, read whole in name order (a copy
of the trail's bucket, AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/).
Without --rules, Peregrine's own cloud rules run. --learning-period (days, 7d,
or a duration, 36h; default 7d) is how long after an account's first record
nothing is new to ct.region.new and ct.user.new; the summary says how many
entries the learner holds and refused.`,
		Example: `  peregrine replay -r capture.scap
  peregrine replay -r capture.scap.gz --rules /etc/falco/falco_rules.yaml --rules my_rules.yaml -o json
  peregrine replay -r capture.scap --priority warning --rule-matching all
  peregrine replay --source k8s_audit -r /var/log/kubernetes/audit.log --rules k8s_audit_rules.yaml
  peregrine replay --source aws_cloudtrail -r ./AWSLogs --rules cloud_aws.yaml --rules aws_cloudtrail_rules.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.read == "" {
				return usageError{errors.New("replay: -r FILE is required")}
			}
			if o.output != "text" && o.output != "json" {
				return usageError{fmt.Errorf("replay: -o %q: want text or json", o.output)}
			}
			if err := checkLearningFlag(o, cmd.Flags().Changed("learning-period")); err != nil {
				return err
			}
			eo, err := engineOptions(o.priority, o.matching, o.appendOut)
			if err != nil {
				return usageError{fmt.Errorf("replay: %w", err)}
			}
			// The same append_output rule as run's (appendRules).
			eo.AppendOutput = ""
			eo.Appends = appendRules(replayAppends(cmd.Flags().Changed("append-output"), o.appendOut))
			if o.source != "syscall" {
				return runDocReplay(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o, eo)
			}
			return runReplay(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o, eo)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.read, "read", "r", "", "capture file to read (plain or gzip; - for standard input)")
	f.StringArrayVar(&o.rules, "rules", nil, "rule file or directory (repeatable)")
	f.StringVarP(&o.output, "output", "o", o.output, "alert format: text or json")
	f.StringVar(&o.priority, "priority", o.priority, "minimum priority of the rules to run (emergency ... debug)")
	f.StringVar(&o.matching, "rule-matching", o.matching, "alert on the first matching rule or on all of them: first or all")
	f.StringVar(&o.appendOut, "append-output", engine.ContainerOutput, "output format added to every rule's output (\"\" for none; the default, the container's fields, goes to syscall rules only)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no summary on standard error")
	f.StringVar(&o.learningPeriod, "learning-period", o.learningPeriod, "aws_cloudtrail only: how long after an account's first record nothing is new (days, 7d, or a duration, 36h)")
	f.StringVar(&o.source, "source", o.source, "event source of the file: syscall (a scap capture) or k8s_audit (an audit log)")
	_ = cmd.MarkFlagFilename("read", "scap", "gz")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("rule-matching", cobra.FixedCompletions([]string{"first", "all"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// embeddedRules stands, in a list of rule paths, for Peregrine's own
// rules compiled into the binary (rules/*.yaml of the repository).
const embeddedRules = "(embedded) rules/"

// defaultRules returns the rules run and replay use when none are given:
// $PEREGRINE_RULES, else /etc/peregrine/rules.d when it exists, else the
// embedded rules.
func defaultRules() ([]string, error) {
	for _, c := range []string{os.Getenv("PEREGRINE_RULES"), "/etc/peregrine/rules.d"} {
		if c == "" {
			continue
		}
		if _, err := os.Stat(c); err == nil {
			return []string{c}, nil
		}
	}
	return []string{embeddedRules}, nil
}

// loadRuleFiles loads rule paths into a spec; [embeddedRules] alone
// stands for the embedded rules.
func loadRuleFiles(paths []string) (*rules.Spec, []rules.Diagnostic, error) {
	if len(paths) == 1 && paths[0] == embeddedRules {
		files, err := embeddedRuleFiles()
		if err != nil {
			return nil, nil, err
		}
		var l loader.Loader
		return l.LoadFiles(files...)
	}
	return loader.Load(paths...)
}

// embeddedRuleFiles are the embedded rule files, in their load order
// (defaultrules.Names: most specific threat first, which decides the rule
// that reports an event under rule_matching: first).
func embeddedRuleFiles() ([]loader.File, error) {
	var files []loader.File
	for _, name := range defaultrules.Names() {
		data, err := fs.ReadFile(defaultrules.FS(), name)
		if err != nil {
			return nil, fmt.Errorf("embedded rules: %w", err)
		}
		files = append(files, loader.File{Name: "rules/" + name, Data: data})
	}
	return files, nil
}

func runReplay(stdin io.Reader, stdout, stderr io.Writer, o replayOptions, eo engine.Options) error {
	spec, warnings, err := loadRules(o.rules, stderr, o.quiet)
	if err != nil {
		return err
	}
	eng, cdiags, err := engine.New(spec, eo)
	if err != nil {
		return errors.Join(err, diagnosticsError(cdiags))
	}
	r, err := openCapture(o.read, stdin)
	if err != nil {
		return err
	}
	defer r.Close()
	src := scap.NewSource(r, false)
	out := bufio.NewWriterSize(stdout, 64<<10)
	emit := alertWriter(out, o.output)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	runErr := eng.RunCapture(ctx, src, emit)
	if err := out.Flush(); err != nil && runErr == nil {
		runErr = err
	}
	if !o.quiet {
		writeReplaySummary(stderr, eng, src.Stats(), warnings+len(cdiags))
	}
	if runErr != nil {
		return fmt.Errorf("%s: %w", o.read, runErr)
	}
	return nil
}

// writeReplaySummary says what the replay saw: events, alerts by rule,
// and what could not be known.
func writeReplaySummary(w io.Writer, eng *engine.Engine, ss scap.SourceStats, warnings int) {
	c := eng.Counters()
	writeAlertCounts(w, fmt.Sprintf("%d events, %d alerts", c.Events, c.Alerts), warnings, eng.Ruleset().Rules(), c.AlertsByRule)
	st := c.State
	if st.ThreadMisses+st.FDMisses > 0 {
		fmt.Fprintf(w, "peregrine: state misses: %d events of unknown threads, %d of unknown descriptors\n", st.ThreadMisses, st.FDMisses)
	}
	reportSkipped(w, "capture", ss)
}
