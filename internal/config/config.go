package config

import (
	"time"

	"peregrine/internal/alert"
)

// DefaultPath is where the agent looks for its configuration when no path
// is given. A missing file there means the defaults.
const DefaultPath = "/etc/peregrine/peregrine.yaml"

// DefaultQueueCapacity is the default of outputs_queue.capacity: how many
// alerts each output may hold while it is slow before new ones are dropped
// (and counted). At a few hundred bytes to a few kilobytes an alert, 1024
// is at most a few megabytes per output, and it rides out a receiver that
// stalls for seconds at any alert rate a tuned rule set produces; a larger
// queue only delays the moment a dead receiver is noticed.
const DefaultQueueCapacity = 1024

// Rule matching modes (rule_matching).
const (
	MatchFirst = "first" // stop at the first rule that matches an event
	MatchAll   = "all"   // alert for every rule that matches
)

// Syslog message formats (syslog_output.format).
const (
	FormatRFC3164 = "rfc3164" // BSD syslog: <PRI>Mmm dd hh:mm:ss host tag[pid]: msg
	FormatRFC5424 = "rfc5424" // <PRI>1 timestamp host app procid msgid - msg
)

// Merge strategies of config_files entries.
const (
	StrategyAppend   = "append"   // extend top-level lists, replace other keys
	StrategyOverride = "override" // replace top-level keys
	StrategyAddOnly  = "add-only" // only add top-level keys not set yet
)

// Config is the agent's configuration: one field per key of
// peregrine.yaml, named after it. The zero value is not useful; start from
// [Default] or [Load]. A Config is plain data and safe to share once
// loaded.
type Config struct {
	// RulesFiles (rules_files; rules_file is the old name Falco still
	// reads) lists rule files and directories (a directory contributes its
	// *.yaml and *.yml files in lexical order), loaded in order. Falco's
	// falco.yaml lists /etc/falco/falco_rules.yaml,
	// /etc/falco/falco_rules.local.yaml and /etc/falco/rules.d. Ours is
	// empty: the command's own search (see peregrine run --help).
	RulesFiles []string

	// Priority (priority) is the minimum priority of the rules that run.
	// Falco: debug (every rule).
	Priority alert.Priority

	// RuleMatching (rule_matching) is [MatchFirst] (an event raises at
	// most one alert, for the first rule that matches) or [MatchAll].
	// Falco: first.
	RuleMatching string

	// JSONOutput (json_output) writes alerts as Falco's JSON objects
	// rather than text lines, on every output. Falco: false.
	JSONOutput bool
	// JSONIncludeOutputProperty (json_include_output_property) puts the
	// formatted line in "output". Falco: true.
	JSONIncludeOutputProperty bool
	// JSONIncludeTagsProperty (json_include_tags_property) puts the rule's
	// tags in "tags". Falco: true.
	JSONIncludeTagsProperty bool
	// JSONIncludeMessageProperty (json_include_message_property) puts the
	// output without its time and priority prefix in "message". Falco:
	// false.
	JSONIncludeMessageProperty bool
	// JSONIncludeOutputFieldsProperty
	// (json_include_output_fields_property) puts the values of the
	// output's fields in "output_fields". Falco: true.
	JSONIncludeOutputFieldsProperty bool

	// TimeFormatISO8601 (time_format_iso_8601) prints times in text
	// alerts and logs as ISO 8601 (UTC) rather than local time. Falco:
	// false.
	TimeFormatISO8601 bool
	// BufferedOutputs (buffered_outputs) lets outputs buffer writes
	// instead of flushing after each alert. Falco: false.
	BufferedOutputs bool
	// OutputTimeout (output_timeout, in milliseconds) is how long an
	// output may take to deliver an alert before it is reported as slow.
	// Falco: 2000.
	OutputTimeout time.Duration
	// OutputsQueue (outputs_queue) bounds the queue in front of each
	// output.
	OutputsQueue OutputsQueue

	// AppendOutput (append_output) adds text and fields to the output of
	// rules, each entry to the rules it matches. Falco:
	// [{suggested_output: true}].
	AppendOutput []AppendOutput
	// StaticFields (static_fields) are constants that rules and outputs
	// read as static.<name>. Falco: none.
	StaticFields map[string]string

	// StdoutOutput (stdout_output) writes alerts to standard output.
	StdoutOutput StdoutOutput
	// FileOutput (file_output) appends alerts to a file.
	FileOutput FileOutput
	// SyslogOutput (syslog_output) sends alerts to a syslog daemon.
	SyslogOutput SyslogOutput
	// ProgramOutput (program_output) pipes alerts to a shell command.
	ProgramOutput ProgramOutput
	// HTTPOutput (http_output) posts alerts to a URL (Falcosidekick, a
	// webhook).
	HTTPOutput HTTPOutput

	// Webserver (webserver) serves /healthz, /versions and /metrics.
	Webserver Webserver
	// Metrics (metrics) are the agent's periodic statistics.
	Metrics Metrics
	// K8sAudit (k8s_audit, ours) receives Kubernetes audit events on the
	// webserver, for the rules of the k8s_audit source.
	K8sAudit K8sAudit
	// Compute (compute, ours) samples the CPU usage of containers and
	// processes, for the rules of the compute source.
	Compute Compute

	// LogLevel (log_level) is the least severe level of the agent's own
	// logs (not alerts): emergency, alert, critical, error, warning,
	// notice, info or debug. Falco: info.
	LogLevel string
	// LogStderr (log_stderr) writes the agent's logs to standard error.
	// Falco: true.
	LogStderr bool
	// LogSyslog (log_syslog) sends the agent's logs to the local syslog
	// daemon. Falco: true; ours: false (see the package documentation).
	LogSyslog bool

	// WatchConfigFiles (watch_config_files) reloads the configuration and
	// the rules when one of their files changes (after checking them).
	// Falco: true; ours: false (opt-in).
	WatchConfigFiles bool
	// ConfigFiles (config_files) are more configuration files and
	// directories, merged after the main file (see the package
	// documentation). Falco's falco.yaml lists /etc/falco/config.d; ours
	// lists none.
	ConfigFiles []ConfigFile

	// Peregrine (peregrine) holds the settings Falco does not have.
	Peregrine Peregrine

	// Files lists the configuration files that were read, main file
	// first: the files to watch. Not a key; set by [Load].
	Files []string
}

// OutputsQueue is the outputs_queue section.
type OutputsQueue struct {
	// Capacity (capacity) is how many alerts may wait for each output.
	// When the queue is full, new alerts for that output are dropped and
	// counted. Falco: 0, unbounded; ours: [DefaultQueueCapacity], and 0
	// means that default.
	Capacity int
}

// AppendOutput is one entry of append_output.
type AppendOutput struct {
	// Match (match) selects the rules the entry applies to; an empty
	// match applies to all.
	Match AppendMatch
	// ExtraOutput (extra_output) is an output format added, after a
	// space, to the rule's output.
	ExtraOutput string
	// ExtraFields (extra_fields) are fields added to output_fields in
	// JSON alerts.
	ExtraFields []ExtraField
	// SuggestedOutput (suggested_output) adds the fields the event
	// source suggests; for system calls the container's id, name and
	// image.
	SuggestedOutput bool
}

// AppendMatch is the match of an append_output entry. Every condition
// given must hold.
type AppendMatch struct {
	// Source (source) is the rule's event source (syscall, ...).
	Source string
	// Tags (tags) must all be tags of the rule.
	Tags []string
	// Rule (rule) is the rule's name.
	Rule string
}

// ExtraField is one entry of extra_fields: a field name ("proc.cmdline"),
// whose value is added under its own name, or a one-key mapping
// ("name: format"), whose format is rendered and added under name.
type ExtraField struct {
	// Name is the key in output_fields.
	Name string
	// Format is the output format of the value; empty for a plain field,
	// whose name is also its format.
	Format string
}

// ConfigFile is one entry of config_files: a path, or a mapping with path
// and strategy.
type ConfigFile struct {
	// Path (path) is a file or a directory.
	Path string
	// Strategy (strategy) is [StrategyAppend] (the default),
	// [StrategyOverride] or [StrategyAddOnly].
	Strategy string
}

// StdoutOutput is the stdout_output section.
type StdoutOutput struct {
	// Enabled (enabled). Falco: true.
	Enabled bool
}

// FileOutput is the file_output section.
type FileOutput struct {
	// Enabled (enabled). Falco: false.
	Enabled bool
	// KeepAlive (keep_alive) keeps the file open between alerts instead
	// of opening it for each one. SIGUSR1 reopens it. Falco: false.
	KeepAlive bool
	// Filename (filename) is the file alerts are appended to; required
	// when enabled. Falco: ./events.txt.
	Filename string
}

// SyslogOutput is the syslog_output section.
type SyslogOutput struct {
	// Enabled (enabled). Falco: true; ours: false (see the package
	// documentation).
	Enabled bool
	// Address (address, ours) is the daemon: empty for the local one
	// (/dev/log), or unix:///path, udp://host[:port], tcp://host[:port]
	// (port 514 when omitted). Falco always uses the local daemon.
	Address string
	// Format (format, ours) is [FormatRFC3164] (the default, what local
	// daemons expect) or [FormatRFC5424].
	Format string
	// Facility (facility, ours) is the syslog facility: kern, user, mail,
	// daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp,
	// local0 ... local7. Default user, as Falco's syslog(3) calls.
	Facility string
	// Tag (tag, ours) is the program name in each message. Default
	// peregrine.
	Tag string
}

// ProgramOutput is the program_output section.
type ProgramOutput struct {
	// Enabled (enabled). Falco: false.
	Enabled bool
	// KeepAlive (keep_alive) starts the program once and writes every
	// alert to it, a line each, instead of starting it for each alert.
	// SIGUSR1 restarts it. Falco: false.
	KeepAlive bool
	// Program (program) is the command, run with sh -c; required when
	// enabled.
	Program string
}

// HTTPOutput is the http_output section.
type HTTPOutput struct {
	// Enabled (enabled). Falco: false.
	Enabled bool
	// URL (url) receives a POST per alert: an http:// or https:// URL;
	// required when enabled. Falco: empty.
	URL string
	// UserAgent (user_agent). Falco: falcosecurity/falco; ours: peregrine.
	UserAgent string
	// Insecure (insecure) skips the verification of the server's
	// certificate. Falco: false.
	Insecure bool
	// CACert (ca_cert) is a CA certificate file to verify the server
	// with. Falco: empty.
	CACert string
	// CABundle (ca_bundle) is a file of CA certificates. Falco: empty.
	CABundle string
	// CAPath (ca_path) is a directory of CA certificates (PEM files).
	// Falco: /etc/ssl/certs.
	CAPath string
	// MTLS (mtls) presents ClientCert and ClientKey to the server.
	// Falco: false.
	MTLS bool
	// ClientCert (client_cert). Falco: /etc/ssl/certs/client.crt.
	ClientCert string
	// ClientKey (client_key). Falco: /etc/ssl/certs/client.key.
	ClientKey string
	// CompressUploads (compress_uploads) gzips request bodies. Falco:
	// false.
	CompressUploads bool
	// KeepAlive (keep_alive) reuses connections. Falco: false.
	KeepAlive bool
	// Echo (echo) prints the server's answers on standard output. Falco:
	// false.
	Echo bool
	// MaxConsecutiveTimeouts (max_consecutive_timeouts) is how many
	// timeouts in a row end the delivery of one alert. Falco: 5.
	MaxConsecutiveTimeouts int
	// CustomHeaders (custom_headers, ours) are added to every request.
	CustomHeaders map[string]string
	// Timeout (timeout, ours) bounds one request. Default 10s.
	Timeout time.Duration
}

// Webserver is the webserver section.
type Webserver struct {
	// Enabled (enabled). Falco: true; ours: false (see the package
	// documentation).
	Enabled bool
	// Threadiness (threadiness) is the number of serving threads in
	// Falco (0: one per CPU); Go's server needs none, it is accepted and
	// unused. Falco: 0.
	Threadiness int
	// ListenPort (listen_port). Falco: 8765.
	ListenPort int
	// ListenAddress (listen_address) is an IP address. Falco: 0.0.0.0.
	ListenAddress string
	// K8sHealthzEndpoint (k8s_healthz_endpoint) is the path of the
	// health check. Falco: /healthz.
	K8sHealthzEndpoint string
	// SSLEnabled (ssl_enabled) serves HTTPS. Falco: false.
	SSLEnabled bool
	// SSLCertificate (ssl_certificate) is a PEM file with the certificate
	// and its key. Falco: /etc/falco/falco.pem; ours:
	// /etc/peregrine/peregrine.pem.
	SSLCertificate string
	// PrometheusMetricsEnabled (prometheus_metrics_enabled) serves
	// /metrics. Falco: false.
	PrometheusMetricsEnabled bool
}

// K8sAudit is the k8s_audit section: the audit webhook the API server's
// webhook backend posts EventList batches to. It needs the webserver, and
// a token or client certificates.
type K8sAudit struct {
	// Enabled (enabled) mounts the webhook. Default false.
	Enabled bool
	// Path (path) is where it is mounted. Default /k8s-audit.
	Path string
	// TokenFile (token_file) holds the bearer token the API server sends
	// (its webhook kubeconfig's user token); surrounding blanks are
	// dropped.
	TokenFile string
	// ClientCA (client_ca) is a PEM file of the CAs that sign the API
	// server's client certificate: mutual TLS (needs ssl_enabled).
	ClientCA string
	// MaxBodyBytes (max_body_bytes) bounds one batch. Default 16 MiB.
	MaxBodyBytes int
	// Queue (queue) is how many batches wait for the rules at most; a
	// batch beyond is refused with 503. Default 64.
	Queue int
}

// Compute is the compute section: the sampler of CPU usage that raises
// compute events when a container or a process stays busy for a window
// (see package compute).
type Compute struct {
	// Enabled (enabled) runs the sampler in peregrine run. Default true:
	// a round reads a few hundred small /proc files every interval.
	Enabled bool
	// Interval (interval) between two samples. Default 5s; at least 100ms.
	Interval time.Duration
	// ThresholdPercent (threshold_percent) is the usage, in percent of one
	// CPU, that counts as high (150 is one and a half CPUs). Default 80.
	ThresholdPercent int
	// Window (window) is how long the usage must stay high before an
	// event. Default 60s; at least the interval.
	Window time.Duration
	// Realert (realert) is how long a usage that stays high waits before
	// it is raised again. Default 10m.
	Realert time.Duration
}

// Metrics is the metrics section.
type Metrics struct {
	// Enabled (enabled) takes a snapshot every Interval. Falco: false.
	Enabled bool
	// Interval (interval). Falco: 1h; at least 100ms.
	Interval time.Duration
	// OutputRule (output_rule) emits each snapshot as the alert
	// "Falco internal: metrics snapshot". Falco: true.
	OutputRule bool
	// OutputFile (output_file) appends each snapshot as a JSON line.
	// Falco: empty (none).
	OutputFile string
	// RulesCountersEnabled (rules_counters_enabled): matches per rule.
	// Falco: true.
	RulesCountersEnabled bool
	// ResourceUtilizationEnabled (resource_utilization_enabled): CPU and
	// memory. Falco: true.
	ResourceUtilizationEnabled bool
	// StateCountersEnabled (state_counters_enabled): threads, fds,
	// containers. Falco: true.
	StateCountersEnabled bool
	// KernelEventCountersEnabled (kernel_event_counters_enabled): events
	// seen, sent and dropped by the kernel side. Falco: true.
	KernelEventCountersEnabled bool
	// ConvertMemoryToMB (convert_memory_to_mb). Falco: true.
	ConvertMemoryToMB bool
	// IncludeEmptyValues (include_empty_values). Falco: false.
	IncludeEmptyValues bool
}

// Peregrine is the peregrine section: settings Falco does not have. Each
// is also a flag of peregrine run (the flag wins).
type Peregrine struct {
	// RingSize (ring_size) is the size of the kernel ring buffer in bytes,
	// a power of two of at least 4096. Default 8 MiB.
	RingSize int
	// Snaplen (snaplen) is how many bytes of data read and write events
	// carry, 0 to 16384. Default 0.
	Snaplen int
	// Write (write) records the events the engine processes to this scap
	// file. Default empty (none).
	Write string
	// Compress (compress) gzips the Write file. Default false.
	Compress bool
	// FullFDTypes (full_fd_types) keeps the newest descriptor types in the
	// recording's fd lists, which sysdig 0.29.3 cannot read. Default
	// false.
	FullFDTypes bool
	// Docker (docker) asks the Docker Engine for container metadata.
	// Default true.
	Docker bool
	// DockerHost (docker_host) is the Docker Engine's address
	// (unix:///path, tcp://host:port). Default empty: $DOCKER_HOST or
	// unix:///var/run/docker.sock.
	DockerHost string
	// ContainerWait (container_wait) bounds how long an alert waits for a
	// new container's metadata. Default 250ms.
	ContainerWait time.Duration
}

// Default returns the configuration of an empty file.
func Default() *Config {
	return &Config{
		Priority:                        alert.PriorityDebug,
		RuleMatching:                    MatchFirst,
		JSONIncludeOutputProperty:       true,
		JSONIncludeTagsProperty:         true,
		JSONIncludeOutputFieldsProperty: true,
		OutputTimeout:                   2000 * time.Millisecond,
		OutputsQueue:                    OutputsQueue{Capacity: DefaultQueueCapacity},
		AppendOutput:                    []AppendOutput{{SuggestedOutput: true}},
		StdoutOutput:                    StdoutOutput{Enabled: true},
		FileOutput:                      FileOutput{Filename: "./events.txt"},
		SyslogOutput:                    SyslogOutput{Format: FormatRFC3164, Facility: "user", Tag: "peregrine"},
		HTTPOutput: HTTPOutput{
			UserAgent:              "peregrine",
			CAPath:                 "/etc/ssl/certs",
			ClientCert:             "/etc/ssl/certs/client.crt",
			ClientKey:              "/etc/ssl/certs/client.key",
			MaxConsecutiveTimeouts: 5,
			Timeout:                10 * time.Second,
		},
		Webserver: Webserver{
			ListenPort:         8765,
			ListenAddress:      "0.0.0.0",
			K8sHealthzEndpoint: "/healthz",
			SSLCertificate:     "/etc/peregrine/peregrine.pem",
		},
		K8sAudit: K8sAudit{Path: "/k8s-audit", MaxBodyBytes: 16 << 20, Queue: 64},
		Compute:  Compute{Enabled: true, Interval: 5 * time.Second, ThresholdPercent: 80, Window: time.Minute, Realert: 10 * time.Minute},
		Metrics: Metrics{
			Interval:                   time.Hour,
			OutputRule:                 true,
			RulesCountersEnabled:       true,
			ResourceUtilizationEnabled: true,
			StateCountersEnabled:       true,
			KernelEventCountersEnabled: true,
			ConvertMemoryToMB:          true,
		},
		LogLevel:  "info",
		LogStderr: true,
		Peregrine: Peregrine{
			RingSize:      8 << 20,
			Docker:        true,
			ContainerWait: 250 * time.Millisecond,
		},
	}
}
