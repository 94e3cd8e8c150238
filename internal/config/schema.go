package config

import (
	"time"
)

// maxSnaplen is the largest peregrine.snaplen (capture.MaxSnaplen; a test
// keeps them equal).
const maxSnaplen = 16384

// fields lists the keys of peregrine.yaml, each bound to its place in c.
func fields(c *Config) []field {
	return []field{
		{name: "rules_files", leaf: textList(&c.RulesFiles)},
		{name: "rules_file", leaf: textList(&c.RulesFiles)}, // Falco's old name; see check
		{name: "priority", leaf: priority(&c.Priority)},
		{name: "rule_matching", leaf: oneOf(&c.RuleMatching, MatchFirst, MatchAll)},
		{name: "json_output", leaf: boolean(&c.JSONOutput)},
		{name: "json_include_output_property", leaf: boolean(&c.JSONIncludeOutputProperty)},
		{name: "json_include_tags_property", leaf: boolean(&c.JSONIncludeTagsProperty)},
		{name: "json_include_message_property", leaf: boolean(&c.JSONIncludeMessageProperty)},
		{name: "json_include_output_fields_property", leaf: boolean(&c.JSONIncludeOutputFieldsProperty)},
		{name: "time_format_iso_8601", leaf: boolean(&c.TimeFormatISO8601)},
		{name: "buffered_outputs", leaf: boolean(&c.BufferedOutputs)},
		{name: "output_timeout", leaf: millis(&c.OutputTimeout)},
		{name: "outputs_queue", sub: []field{
			{name: "capacity", leaf: queueCapacity(&c.OutputsQueue.Capacity)},
		}},
		{name: "append_output", leaf: appendOutputs(&c.AppendOutput)},
		{name: "static_fields", leaf: textMap(&c.StaticFields)},
		{name: "stdout_output", sub: []field{
			{name: "enabled", leaf: boolean(&c.StdoutOutput.Enabled)},
		}},
		{name: "file_output", sub: []field{
			{name: "enabled", leaf: boolean(&c.FileOutput.Enabled)},
			{name: "keep_alive", leaf: boolean(&c.FileOutput.KeepAlive)},
			{name: "filename", leaf: text(&c.FileOutput.Filename, nil)},
		}},
		{name: "syslog_output", sub: []field{
			{name: "enabled", leaf: boolean(&c.SyslogOutput.Enabled)},
			{name: "address", leaf: text(&c.SyslogOutput.Address, checkSyslogAddress)},
			{name: "format", leaf: oneOf(&c.SyslogOutput.Format, FormatRFC3164, FormatRFC5424)},
			{name: "facility", leaf: text(&c.SyslogOutput.Facility, checkFacility)},
			{name: "tag", leaf: text(&c.SyslogOutput.Tag, checkSyslogTag)},
		}},
		{name: "program_output", sub: []field{
			{name: "enabled", leaf: boolean(&c.ProgramOutput.Enabled)},
			{name: "keep_alive", leaf: boolean(&c.ProgramOutput.KeepAlive)},
			{name: "program", leaf: text(&c.ProgramOutput.Program, nil)},
		}},
		{name: "http_output", sub: []field{
			{name: "enabled", leaf: boolean(&c.HTTPOutput.Enabled)},
			{name: "url", leaf: text(&c.HTTPOutput.URL, checkHTTPURL)},
			{name: "user_agent", leaf: text(&c.HTTPOutput.UserAgent, nil)},
			{name: "insecure", leaf: boolean(&c.HTTPOutput.Insecure)},
			{name: "ca_cert", leaf: text(&c.HTTPOutput.CACert, nil)},
			{name: "ca_bundle", leaf: text(&c.HTTPOutput.CABundle, nil)},
			{name: "ca_path", leaf: text(&c.HTTPOutput.CAPath, nil)},
			{name: "mtls", leaf: boolean(&c.HTTPOutput.MTLS)},
			{name: "client_cert", leaf: text(&c.HTTPOutput.ClientCert, nil)},
			{name: "client_key", leaf: text(&c.HTTPOutput.ClientKey, nil)},
			{name: "compress_uploads", leaf: boolean(&c.HTTPOutput.CompressUploads)},
			{name: "keep_alive", leaf: boolean(&c.HTTPOutput.KeepAlive)},
			{name: "echo", leaf: boolean(&c.HTTPOutput.Echo)},
			{name: "max_consecutive_timeouts", leaf: integer(&c.HTTPOutput.MaxConsecutiveTimeouts, 0, 255)},
			{name: "custom_headers", leaf: headers(&c.HTTPOutput.CustomHeaders)},
			{name: "timeout", leaf: duration(&c.HTTPOutput.Timeout, time.Millisecond)},
		}},
		{name: "webserver", sub: []field{
			{name: "enabled", leaf: boolean(&c.Webserver.Enabled)},
			{name: "threadiness", leaf: integer(&c.Webserver.Threadiness, 0, 1<<16)},
			{name: "listen_port", leaf: integer(&c.Webserver.ListenPort, 1, 65535)},
			{name: "listen_address", leaf: text(&c.Webserver.ListenAddress, checkIP)},
			{name: "k8s_healthz_endpoint", leaf: text(&c.Webserver.K8sHealthzEndpoint, checkURLPath)},
			{name: "ssl_enabled", leaf: boolean(&c.Webserver.SSLEnabled)},
			{name: "ssl_certificate", leaf: text(&c.Webserver.SSLCertificate, nil)},
			{name: "prometheus_metrics_enabled", leaf: boolean(&c.Webserver.PrometheusMetricsEnabled)},
		}},
		{name: "k8s_audit", sub: []field{
			{name: "enabled", leaf: boolean(&c.K8sAudit.Enabled)},
			{name: "path", leaf: text(&c.K8sAudit.Path, checkURLPath)},
			{name: "token_file", leaf: text(&c.K8sAudit.TokenFile, nil)},
			{name: "client_ca", leaf: text(&c.K8sAudit.ClientCA, nil)},
			{name: "max_body_bytes", leaf: integer(&c.K8sAudit.MaxBodyBytes, 1024, 1<<30)},
			{name: "queue", leaf: integer(&c.K8sAudit.Queue, 1, 1<<16)},
		}},
		{name: "compute", sub: []field{
			{name: "enabled", leaf: boolean(&c.Compute.Enabled)},
			{name: "interval", leaf: duration(&c.Compute.Interval, 100*time.Millisecond)},
			{name: "threshold_percent", leaf: integer(&c.Compute.ThresholdPercent, 1, 100*4096)},
			{name: "window", leaf: duration(&c.Compute.Window, 100*time.Millisecond)},
			{name: "realert", leaf: duration(&c.Compute.Realert, time.Second)},
		}},
		{name: "metrics", sub: []field{
			{name: "enabled", leaf: boolean(&c.Metrics.Enabled)},
			{name: "interval", leaf: duration(&c.Metrics.Interval, 100*time.Millisecond)},
			{name: "output_rule", leaf: boolean(&c.Metrics.OutputRule)},
			{name: "output_file", leaf: text(&c.Metrics.OutputFile, nil)},
			{name: "rules_counters_enabled", leaf: boolean(&c.Metrics.RulesCountersEnabled)},
			{name: "resource_utilization_enabled", leaf: boolean(&c.Metrics.ResourceUtilizationEnabled)},
			{name: "state_counters_enabled", leaf: boolean(&c.Metrics.StateCountersEnabled)},
			{name: "kernel_event_counters_enabled", leaf: boolean(&c.Metrics.KernelEventCountersEnabled)},
			{name: "convert_memory_to_mb", leaf: boolean(&c.Metrics.ConvertMemoryToMB)},
			{name: "include_empty_values", leaf: boolean(&c.Metrics.IncludeEmptyValues)},
		}},
		{name: "log_level", leaf: logLevel(&c.LogLevel)},
		{name: "log_stderr", leaf: boolean(&c.LogStderr)},
		{name: "log_syslog", leaf: boolean(&c.LogSyslog)},
		{name: "watch_config_files", leaf: boolean(&c.WatchConfigFiles)},
		{name: "config_files", leaf: configFiles(&c.ConfigFiles)},
		{name: "peregrine", sub: []field{
			{name: "ring_size", leaf: ringSize(&c.Peregrine.RingSize)},
			{name: "snaplen", leaf: integer(&c.Peregrine.Snaplen, 0, maxSnaplen)},
			{name: "write", leaf: text(&c.Peregrine.Write, nil)},
			{name: "compress", leaf: boolean(&c.Peregrine.Compress)},
			{name: "full_fd_types", leaf: boolean(&c.Peregrine.FullFDTypes)},
			{name: "docker", leaf: boolean(&c.Peregrine.Docker)},
			{name: "docker_host", leaf: text(&c.Peregrine.DockerHost, checkDockerHost)},
			{name: "container_wait", leaf: duration(&c.Peregrine.ContainerWait, 0)},
		}},
	}
}

// unsupported lists Falco's keys that Peregrine reads past, each with why,
// by dotted path. A key below one of these is not looked at.
var unsupported = map[string]string{
	"load_plugins":             "Peregrine loads no plugins",
	"plugins":                  "Peregrine loads no plugins",
	"plugins_hostinfo":         "Peregrine loads no plugins",
	"engine":                   "Peregrine captures with its own eBPF probe: see the peregrine section, and peregrine replay for capture files",
	"modern_bpf":               "the ring buffer is peregrine.ring_size",
	"syscall_buf_size_preset":  "the ring buffer is peregrine.ring_size",
	"syscall_drop_failed_exit": "failed system calls are always kept",
	"grpc":                     "Falco removed its gRPC API in 0.44: use http_output",
	"grpc_output":              "Falco removed its gRPC API in 0.44: use http_output",
	"libs_logger":              "Peregrine has no libs logger: see log_level",
	"syscall_event_timeouts":   "Peregrine's capture has no such timeouts",
	"syscall_event_drops":      "every drop is counted and reported as a \"Peregrine internal: event drops\" alert",
	"base_syscalls":            "the system calls captured follow the rules and the state engine",
	"falco_libs":               "the snapshot length is peregrine.snaplen",
	"container_engines":        "container metadata comes from the Docker Engine: see peregrine.docker",
	"metadata_download":        "Peregrine downloads no metadata",
	"capture":                  "no capture on alert: peregrine.write records every event",
	"outputs":                  "Falco removed the output rate limiter in 0.37",
	"buffer_format_base64":     "buffers are printed as text",
	"rules":                    "enable or disable rules in a rules file (override: enabled)",
	"metrics.kernel_event_counters_per_cpu_enabled": "kernel counters are not kept per CPU",
	"metrics.libbpf_stats_enabled":                  "libbpf statistics are not collected",
	"metrics.plugins_metrics_enabled":               "Peregrine loads no plugins",
	"metrics.jemalloc_stats_enabled":                "Peregrine does not use jemalloc",
	"metrics.kernel_iter_event_counters_enabled":    "Peregrine does not use BPF iterators",
}
