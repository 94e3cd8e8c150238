package psa

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"k8s.io/pod-security-admission/policy"
)

// SARIF 2.1.0, the subset this package writes.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
	HelpURI          string       `json:"helpUri,omitempty"`
	Properties       sarifProps   `json:"properties"`
}

type sarifProps struct {
	Level string `json:"psaLevel,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID     string            `json:"ruleId"`
	RuleIndex  int               `json:"ruleIndex"`
	Level      string            `json:"level"`
	Message    sarifMessage      `json:"message"`
	Locations  []sarifLocation   `json:"locations"`
	Properties map[string]string `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind,omitempty"`
}

// sarifLevels maps severities to SARIF result levels.
var sarifLevels = map[Severity]string{SeverityHigh: "error", SeverityMedium: "warning", SeverityLow: "note"}

// namespaceRules describe the namespace findings.
var namespaceRules = map[string]string{
	RuleNoEnforce:     "Namespace has no pod-security.kubernetes.io/enforce label",
	RuleEnforceWeaker: "Namespace enforces a weaker Pod Security level than required",
	RuleLabelInvalid:  "Namespace has an invalid pod-security.kubernetes.io label",
	RuleUnknownNS:     "Workloads in a namespace whose labels are not in the input",
}

const pssURI = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"

// WriteSARIF writes the report as a SARIF 2.1.0 log: one rule per Pod
// Security check and namespace rule, one result per violation and finding.
// Documents that could not be read are tool notifications.
func WriteSARIF(w io.Writer, r *Report, toolVersion string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "peregrine k8s audit", InformationURI: pssURI, Version: toolVersion}}}
	index := map[string]int{}
	for _, c := range policy.DefaultChecks() {
		index[string(c.ID)] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:               string(c.ID),
			ShortDescription: sarifMessage{Text: fmt.Sprintf("Pod Security Standards %s check %s", c.Level, c.ID)},
			HelpURI:          pssURI,
			Properties:       sarifProps{Level: string(c.Level)},
		})
	}
	nsRules := make([]string, 0, len(namespaceRules))
	for id := range namespaceRules {
		nsRules = append(nsRules, id)
	}
	sort.Strings(nsRules)
	for _, id := range nsRules {
		index[id] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: id, ShortDescription: sarifMessage{Text: namespaceRules[id]}, HelpURI: pssURI})
	}
	run.Results = []sarifResult{}
	for _, ns := range r.Namespaces {
		for _, f := range ns.Findings {
			res := sarifResult{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevels[f.Severity],
				Message: sarifMessage{Text: f.Message + ". Fix: " + f.Fix}}
			// A namespace not in the input has no file: point at the
			// first of its workloads.
			src := ns.Source
			if src == nil && len(ns.Workloads) > 0 {
				src = &ns.Workloads[0].Source
			}
			if src != nil {
				res.Locations = []sarifLocation{location(*src, "namespace/"+ns.Name, "namespace")}
			}
			run.Results = append(run.Results, res)
		}
		for _, wl := range ns.Workloads {
			name := fmt.Sprintf("%s/%s/%s", wl.Namespace, wl.Kind, wl.Name)
			for _, v := range wl.Violations {
				run.Results = append(run.Results, sarifResult{
					RuleID: v.Check, RuleIndex: index[v.Check], Level: sarifLevels[v.Severity],
					Message:    sarifMessage{Text: fmt.Sprintf("%s %s fails %s (%s: %s) at %s. Fix: %s", wl.Kind, wl.Name, v.Level, v.Reason, v.Detail, v.Path, v.Fix)},
					Locations:  []sarifLocation{location(atLine(wl.Source, v.Line), name, "resource")},
					Properties: map[string]string{"fieldPath": v.Path, "psaLevel": string(v.Level), "severity": v.Severity.String()},
				})
			}
		}
	}
	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0}
	for _, e := range r.Errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "error", Message: sarifMessage{Text: e.Err.Error()},
			Locations: []sarifLocation{location(e.Source, "", "")},
		})
	}
	run.Invocations = []sarifInvocation{inv}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// atLine is src at a field's line, when known.
func atLine(src Source, line int) Source {
	if line > 0 {
		src.Line = line
	}
	return src
}

func location(src Source, name, kind string) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: src.File}}}
	if src.Line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: src.Line}
	}
	if name != "" {
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: name, Kind: kind}}
	}
	return loc
}
