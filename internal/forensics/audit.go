package forensics

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/docker/docker/api/types/container"
)

// Severity ranks an audit finding.
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

// severityNames are the names of the severities, by value.
var severityNames = [...]string{"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

// String returns the severity's upper-case name.
func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name, in any case.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity reads a severity's name (info, low, medium, high,
// critical), in any case.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("severity %q: want one of info, low, medium, high, critical", name)
}

// Finding is one weakness of a container's configuration.
type Finding struct {
	Severity Severity `json:"severity"`
	Check    string   `json:"check"`   // short, stable name of the check
	Message  string   `json:"message"` // what was found and why it matters
}

// HostSecurity is what the engine's host enforces, from the engine's
// info (SecurityOptions): it decides whether a missing profile is a
// weakness of the container or of the host.
type HostSecurity struct {
	AppArmor bool `json:"apparmor"`
	Seccomp  bool `json:"seccomp"`
	SELinux  bool `json:"selinux"`
	UserNS   bool `json:"userns"` // user namespace remapping on by default
	Rootless bool `json:"rootless"`
}

// HostSecurityFromInfo reads the engine's security options, entries such
// as "name=seccomp,profile=default" or "name=apparmor".
func HostSecurityFromInfo(opts []string) HostSecurity {
	var h HostSecurity
	for _, o := range opts {
		for _, kv := range strings.Split(o, ",") {
			switch kv {
			case "name=apparmor":
				h.AppArmor = true
			case "name=seccomp":
				h.Seccomp = true
			case "name=selinux":
				h.SELinux = true
			case "name=userns":
				h.UserNS = true
			case "name=rootless":
				h.Rootless = true
			}
		}
	}
	return h
}

// AuditReport is the audit of one container.
type AuditReport struct {
	Container string    `json:"container"` // as named on the command line
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Image     string    `json:"image"`
	Highest   Severity  `json:"highest"`
	Findings  []Finding `json:"findings"`
}

// Audit rates the configuration of the container c as inspected, on a
// host that enforces h: every check of the audit table is applied and the
// findings are returned most severe first. It only reads c.
func Audit(c *container.InspectResponse, h HostSecurity) []Finding {
	var out []Finding
	for _, check := range auditChecks {
		out = append(out, check(c, h)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		return out[i].Check < out[j].Check
	})
	return out
}

// Highest returns the highest severity among findings, [Info] when there
// are none.
func Highest(findings []Finding) Severity {
	s := Info
	for _, f := range findings {
		s = max(s, f.Severity)
	}
	return s
}

// AuditContainers inspects each container of refs on the engine e and
// audits it against the host's security options. An unknown container is
// an error wrapping [ErrNoContainer].
func AuditContainers(ctx context.Context, e *Engine, refs []string) ([]AuditReport, error) {
	info, err := e.api.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit: engine info: %w", err)
	}
	h := HostSecurityFromInfo(info.SecurityOptions)
	out := make([]AuditReport, 0, len(refs))
	for _, ref := range refs {
		c, err := e.Inspect(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		fs := Audit(&c, h)
		r := AuditReport{Container: ref, ID: c.ID, Findings: fs, Highest: Highest(fs)}
		if c.ContainerJSONBase != nil {
			r.Name = strings.TrimPrefix(c.Name, "/")
		}
		if c.Config != nil {
			r.Image = c.Config.Image
		}
		out = append(out, r)
	}
	return out, nil
}
