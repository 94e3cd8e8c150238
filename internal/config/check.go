package config

// check makes the checks that span keys, once everything is decoded. at
// says where each key that was given got its value; failed, which keys
// were reported wrong already (their value is then the default, and
// checks about them would only repeat the error).
func (l *loader) check(c *Config, at map[string]Pos, failed map[string]bool) {
	where := func(keys ...string) Pos {
		for _, k := range keys {
			if p, ok := at[k]; ok {
				return p
			}
		}
		return Pos{File: l.main}
	}
	_, plural := at["rules_files"]
	if p, ok := at["rules_file"]; ok {
		if plural {
			l.p.errorf(p, "rules_file: rules_files is set too; rules_file is its old name, keep one")
		} else {
			l.p.warnf(p, "rules_file is Falco's old name of rules_files")
		}
	}
	if c.FileOutput.Enabled && c.FileOutput.Filename == "" && !failed["file_output.filename"] {
		l.p.errorf(where("file_output.filename", "file_output.enabled"), "file_output: enabled without a filename")
	}
	if c.ProgramOutput.Enabled && c.ProgramOutput.Program == "" && !failed["program_output.program"] {
		l.p.errorf(where("program_output.program", "program_output.enabled"), "program_output: enabled without a program")
	}
	if c.HTTPOutput.Enabled && c.HTTPOutput.URL == "" && !failed["http_output.url"] {
		l.p.errorf(where("http_output.url", "http_output.enabled"), "http_output: enabled without a url")
	}
	if c.HTTPOutput.MTLS && (c.HTTPOutput.ClientCert == "" || c.HTTPOutput.ClientKey == "") && !failed["http_output.client_cert"] && !failed["http_output.client_key"] {
		l.p.errorf(where("http_output.client_cert", "http_output.client_key", "http_output.mtls"), "http_output: mtls needs client_cert and client_key")
	}
	if c.Webserver.SSLEnabled && c.Webserver.SSLCertificate == "" && !failed["webserver.ssl_certificate"] {
		l.p.errorf(where("webserver.ssl_certificate", "webserver.ssl_enabled"), "webserver: ssl_enabled without an ssl_certificate")
	}
	if c.K8sAudit.Enabled {
		ka := where("k8s_audit.enabled", "k8s_audit")
		switch {
		case c.K8sAudit.TokenFile == "" && c.K8sAudit.ClientCA == "" && !failed["k8s_audit.token_file"] && !failed["k8s_audit.client_ca"]:
			l.p.errorf(ka, "k8s_audit: enabled without token_file or client_ca: the webhook must authenticate the API server")
		case !c.Webserver.Enabled:
			l.p.errorf(ka, "k8s_audit: enabled without webserver.enabled: the webhook is served by the webserver")
		case c.K8sAudit.ClientCA != "" && !c.Webserver.SSLEnabled:
			l.p.errorf(where("k8s_audit.client_ca"), "k8s_audit: client_ca without webserver.ssl_enabled: client certificates need TLS")
		case !c.Webserver.SSLEnabled:
			l.p.warnf(ka, "k8s_audit: served over plain HTTP: the token and the audit events travel in clear; set webserver.ssl_enabled")
		}
	}
	if c.Compute.Window < c.Compute.Interval && !failed["compute.window"] && !failed["compute.interval"] {
		l.p.errorf(where("compute.window", "compute.interval", "compute"), "compute: window %v is shorter than interval %v: it would never hold two samples", c.Compute.Window, c.Compute.Interval)
	}
	if !c.StdoutOutput.Enabled && !c.FileOutput.Enabled && !c.SyslogOutput.Enabled && !c.ProgramOutput.Enabled && !c.HTTPOutput.Enabled {
		l.p.warnf(where("stdout_output.enabled", "stdout_output"), "no output is enabled (stdout_output, file_output, syslog_output, program_output, http_output): alerts go nowhere")
	}
}
