package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"

	"github.com/spf13/cobra"

	"peregrine/internal/alert"
	"peregrine/internal/config"
	"peregrine/internal/engine"
	"peregrine/internal/output"
	"peregrine/internal/rules"
)

// The agent's settings: peregrine.yaml (-c, --set), with the command's
// flags on top when they are given. This file turns them into the
// options of the packages that do the work.

// agentFlags are the flags that choose the configuration.
type agentFlags struct {
	path string   // -c; "" for config.DefaultPath (optional then)
	sets []string // --set key=value
}

func (a *agentFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&a.path, "config", "c", "", "configuration file (default "+config.DefaultPath+" when it exists; see deploy/peregrine.yaml)")
	f.StringArrayVar(&a.sets, "set", nil, "override a configuration key: key=value, dotted paths and [index]es (repeatable; after the files)")
}

// loadConfig reads the configuration and prints its warnings. Every
// problem is an error with its file:line, and nothing starts with a
// configuration that has one.
func loadConfig(a agentFlags, stderr io.Writer) (*config.Config, error) {
	cfg, warns, err := config.Load(a.path, a.sets)
	for _, w := range warns {
		fmt.Fprintf(stderr, "peregrine: %s\n", w)
	}
	if err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	return cfg, nil
}

// applyRunFlags puts the run flags the user gave over the configuration:
// a flag says what this run wants, the file what runs usually want.
func applyRunFlags(cmd *cobra.Command, o *runOptions, cfg *config.Config) error {
	f := cmd.Flags()
	set := f.Changed
	if set("rules") {
		cfg.RulesFiles = o.rules
	}
	if set("output") {
		cfg.JSONOutput = o.output == "json"
	}
	if set("priority") {
		p, err := alert.ParsePriority(o.priority)
		if err != nil {
			return fmt.Errorf("--priority: %w", err)
		}
		cfg.Priority = p
	}
	if set("rule-matching") {
		cfg.RuleMatching = o.matching
	}
	if set("append-output") {
		cfg.AppendOutput = nil
		if o.appendOut != "" {
			cfg.AppendOutput = []config.AppendOutput{{ExtraOutput: o.appendOut}}
		}
	}
	p := &cfg.Peregrine
	if set("docker-host") {
		p.DockerHost = o.dockerHost
	}
	if set("no-docker") {
		p.Docker = !o.noDocker
	}
	if set("ring-size") {
		p.RingSize = o.ringSize
	}
	if set("snaplen") {
		p.Snaplen = o.snaplen
	}
	if set("write") {
		p.Write = o.write
	}
	if set("compress") {
		p.Compress = o.compress
	}
	if set("full-fd-types") {
		p.FullFDTypes = o.fullFDTypes
	}
	return nil
}

// ruleOptions are the engine options that come from the configuration
// and that a reload may change.
func ruleOptions(cfg *config.Config) (engine.Options, error) {
	eo := engine.Options{MinPriority: cfg.Priority, HasMinPriority: true}
	switch cfg.RuleMatching {
	case config.MatchFirst:
		eo.Matching = rules.MatchFirst
	case config.MatchAll:
		eo.Matching = rules.MatchAll
	default:
		return eo, fmt.Errorf("rule_matching %q: want first or all", cfg.RuleMatching)
	}
	eo.Appends = appendRules(cfg.AppendOutput)
	return eo, nil
}

// unsupportedNotes are the settings that load but do nothing yet.
func unsupportedNotes(cfg *config.Config) []string {
	var notes []string
	for i, a := range cfg.AppendOutput {
		if len(a.ExtraFields) > 0 {
			notes = append(notes, fmt.Sprintf("append_output[%d].extra_fields is not supported yet (use extra_output); ignored", i))
		}
	}
	def := config.Default()
	for _, u := range []struct {
		key       string
		set       bool
		otherwise string
	}{
		{"time_format_iso_8601", cfg.TimeFormatISO8601, "times in text alerts stay local"},
		{"output_timeout", cfg.OutputTimeout != def.OutputTimeout, "each output has its own queue and timeouts"},
		{"http_output.echo", cfg.HTTPOutput.Echo, "the receiver's answers are not printed"},
		{"http_output.max_consecutive_timeouts", cfg.HTTPOutput.MaxConsecutiveTimeouts != def.HTTPOutput.MaxConsecutiveTimeouts, "every alert is retried with backoff"},
		{"metrics.interval", cfg.Metrics.Interval != def.Metrics.Interval, "metrics are served on /metrics, read when scraped"},
		{"metrics.output_file", cfg.Metrics.OutputFile != "", "metrics are served on /metrics only"},
		{"metrics.convert_memory_to_mb", cfg.Metrics.ConvertMemoryToMB != def.Metrics.ConvertMemoryToMB, "memory is in bytes"},
		{"metrics.include_empty_values", cfg.Metrics.IncludeEmptyValues != def.Metrics.IncludeEmptyValues, "zero counters are always included"},
	} {
		if u.set {
			notes = append(notes, fmt.Sprintf("%s is not supported yet (%s); ignored", u.key, u.otherwise))
		}
	}
	if cfg.Metrics.Enabled && cfg.Metrics.OutputRule {
		notes = append(notes, "metrics.output_rule (metrics as periodic alerts) is not supported yet; metrics are served on /metrics only")
	}
	return notes
}

// buildOutputs makes the sinks the configuration enables, each behind
// its own queue. An output that cannot start (a bad certificate, a
// missing program) is an error: the agent does not start without it.
func buildOutputs(cfg *config.Config, stdout io.Writer, log *slog.Logger) (*output.Outputs, []string, error) {
	format := output.Format{
		JSON: cfg.JSONOutput,
		JSONOptions: alert.JSONOptions{
			Output:       cfg.JSONIncludeOutputProperty,
			Tags:         cfg.JSONIncludeTagsProperty,
			Message:      cfg.JSONIncludeMessageProperty,
			OutputFields: cfg.JSONIncludeOutputFieldsProperty,
		},
		StaticFields: cfg.StaticFields,
	}
	var sinks []output.Sink
	var names []string
	var errs []error
	add := func(s output.Sink, err error) {
		if err != nil {
			errs = append(errs, err)
			return
		}
		sinks = append(sinks, s)
		names = append(names, s.Name())
	}
	if cfg.StdoutOutput.Enabled {
		add(output.NewStdout(output.StdoutOptions{W: stdout, Format: format, Buffered: cfg.BufferedOutputs}), nil)
	}
	if c := cfg.FileOutput; c.Enabled {
		add(output.NewFile(output.FileOptions{Path: c.Filename, Format: format, KeepAlive: c.KeepAlive, Buffered: cfg.BufferedOutputs}))
	}
	if c := cfg.SyslogOutput; c.Enabled {
		so, err := syslogOptions(c, format)
		if err != nil {
			errs = append(errs, err)
		} else {
			add(output.NewSyslog(so))
		}
	}
	if c := cfg.ProgramOutput; c.Enabled {
		add(output.NewProgram(output.ProgramOptions{Command: c.Program, Format: format, KeepAlive: c.KeepAlive}))
	}
	if c := cfg.HTTPOutput; c.Enabled {
		add(output.NewHTTP(output.HTTPOptions{
			URL: c.URL, Format: format, UserAgent: c.UserAgent, Headers: c.CustomHeaders,
			Timeout: c.Timeout, Compress: c.CompressUploads, NoKeepAlive: !c.KeepAlive,
			TLS: output.TLSOptions{Insecure: c.Insecure, CACert: c.CACert, CABundle: c.CABundle, CAPath: caPath(c.CAPath),
				MTLS: c.MTLS, ClientCert: c.ClientCert, ClientKey: c.ClientKey},
		}))
	}
	if err := errors.Join(errs...); err != nil {
		for _, s := range sinks {
			s.Close()
		}
		return nil, nil, fmt.Errorf("outputs:\n%w", err)
	}
	outs := output.New(output.Options{QueueCapacity: cfg.OutputsQueue.Capacity, Logger: log}, sinks...)
	return outs, names, nil
}

// syslogOptions reads syslog_output.address: "" for the local daemon,
// unix:///path, udp://host[:port] or tcp://host[:port].
func syslogOptions(c config.SyslogOutput, format output.Format) (output.SyslogOptions, error) {
	so := output.SyslogOptions{Format: format, Tag: c.Tag, Protocol: output.RFC3164}
	if c.Format == config.FormatRFC5424 {
		so.Protocol = output.RFC5424
	}
	if fac, ok := config.Facility(c.Facility); ok {
		so.Facility = output.Facility(fac)
	}
	if c.Address == "" {
		return so, nil
	}
	u, err := url.Parse(c.Address)
	if err != nil {
		return so, fmt.Errorf("syslog_output.address %q: %w", c.Address, err)
	}
	switch u.Scheme {
	case "unix", "unixgram": // config accepts both
		so.Network, so.Address = "unixgram", u.Path
	case "udp", "tcp":
		so.Network, so.Address = u.Scheme, u.Host
	default:
		return so, fmt.Errorf("syslog_output.address %q: want unix://, unixgram://, udp:// or tcp://", c.Address)
	}
	return so, nil
}

// caPath is http_output.ca_path, left out when it is the default and
// the directory does not exist (an image FROM scratch has no
// /etc/ssl/certs): a path the user gave must exist.
func caPath(p string) string {
	if p == config.Default().HTTPOutput.CAPath {
		if _, err := os.Stat(p); err != nil {
			return ""
		}
	}
	return p
}
