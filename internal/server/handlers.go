package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
)

// Versions is what /versions answers. The engine keys are Falco's, which
// falcoctl compares with the requirements of rules artifacts; Falco's
// other keys (falco_version, libs_version, driver and plugin API versions)
// describe Falco's own pieces and are left out.
type Versions struct {
	// PeregrineVersion is the agent's version.
	PeregrineVersion string `json:"peregrine_version,omitempty"`
	// EngineVersion is the rules engine version's minor number alone
	// ("62"), the key falcoctl read before engine_version_semver existed.
	EngineVersion string `json:"engine_version,omitempty"`
	// EngineVersionSemver is the rules engine version ("0.62.0"): rules
	// files whose required_engine_version is at most this load.
	EngineVersionSemver string `json:"engine_version_semver,omitempty"`
	// RulesRequiredEngineVersion is the highest required_engine_version
	// of the rules files loaded now.
	RulesRequiredEngineVersion string `json:"rules_required_engine_version,omitempty"`
	// GoVersion is the Go release that built the agent.
	GoVersion string `json:"go_version,omitempty"`
}

// NewVersions returns the versions of an agent at version whose rules
// engine is at major.minor.patch, built by this Go release.
func NewVersions(version string, major, minor, patch uint32) Versions {
	return Versions{
		PeregrineVersion:    version,
		EngineVersion:       fmt.Sprint(minor),
		EngineVersionSemver: fmt.Sprintf("%d.%d.%d", major, minor, patch),
		GoVersion:           runtime.Version(),
	}
}

// healthBody is Falco's answer, byte for byte.
const healthBody = `{"status": "ok"}`

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if s.cfg.Health != nil {
		if err := s.cfg.Health(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			json.NewEncoder(w).Encode(struct {
				Status string `json:"status"`
				Error  string `json:"error"`
			}{"error", err.Error()})
			return
		}
	}
	fmt.Fprint(w, healthBody)
}

func (s *Server) versions(w http.ResponseWriter, _ *http.Request) {
	var v Versions
	if s.cfg.Versions != nil {
		v = s.cfg.Versions()
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
