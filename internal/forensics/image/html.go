package image

import (
	"encoding/json"
	"html/template"
	"io"
)

// htmlPage is the report as one self-contained HTML file: inline style,
// no script, no external resource. html/template escapes every value.
var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"short": short,
	"bytes": HumanBytes,
	"deref": func(p *int) int { return *p },
	"sev":   func(s Severity) string { return string(s) },
	"count": func(s Summary, sev Severity) int { return s.BySeverity[string(sev)] },
	"sevs":  Severities,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Image analysis: {{range .Image.Tags}}{{.}} {{end}}{{.Image.ID}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
code{font-family:ui-monospace,monospace;font-size:90%;word-break:break-all}
.CRITICAL{background:#7a0010;color:#fff}.HIGH{background:#d33;color:#fff}
.MEDIUM{background:#f0a030}.LOW{background:#ffe08a}.INFO{background:#dde}
</style></head><body>
<h1>Image analysis</h1>
<table>
<tr><th>Tags</th><td>{{range .Image.Tags}}<code>{{.}}</code> {{else}}-{{end}}</td></tr>
<tr><th>ID</th><td><code>{{.Image.ID}}</code></td></tr>
<tr><th>Source</th><td><code>{{.Source}}</code> ({{.Layout}} layout)</td></tr>
<tr><th>Platform</th><td>{{.Image.OS}}/{{.Image.Architecture}}{{with .Image.Variant}}/{{.}}{{end}}</td></tr>
<tr><th>Created</th><td>{{.Image.Created}}</td></tr>
</table>
<h2>Findings</h2>
<p>{{$s := .Summary}}{{range sevs}}<span class="{{sev .}}">&nbsp;{{count $s .}} {{sev .}}&nbsp;</span> {{end}}</p>
<table><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Layer</th><th>Reason</th><th>Evidence</th></tr>
{{range .Findings}}<tr><td class="{{sev .Severity}}">{{.Severity}}</td><td>{{.Rule}}</td>
<td><code>{{.Path}}{{.Where}}</code></td><td>{{with .Layer}}{{deref .}}{{end}}</td><td>{{.Reason}}</td><td><code>{{.Evidence}}</code></td></tr>
{{end}}</table>
{{with .Summary.Omitted}}<p>{{.}} less severe findings omitted.</p>{{end}}
<h2>Configuration</h2>
<table>
<tr><th>User</th><td><code>{{or .Config.User "(none: root)"}}</code></td></tr>
<tr><th>Entrypoint</th><td>{{range .Config.Entrypoint}}<code>{{.}}</code> {{end}}</td></tr>
<tr><th>Cmd</th><td>{{range .Config.Cmd}}<code>{{.}}</code> {{end}}</td></tr>
<tr><th>Working directory</th><td><code>{{.Config.WorkingDir}}</code></td></tr>
<tr><th>Exposed ports</th><td>{{range .Config.ExposedPorts}}<code>{{.}}</code> {{end}}</td></tr>
<tr><th>Volumes</th><td>{{range .Config.Volumes}}<code>{{.}}</code> {{end}}</td></tr>
<tr><th>Environment</th><td>{{range .Config.Env}}<code>{{.}}</code><br>{{end}}</td></tr>
<tr><th>Labels</th><td>{{range $k, $v := .Config.Labels}}<code>{{$k}}={{$v}}</code><br>{{end}}</td></tr>
</table>
<h2>Layers</h2>
<table><tr><th>#</th><th>Size</th><th>Entries</th><th>Whiteouts</th><th>Diff ID</th><th>Created by</th></tr>
{{range .Layers}}<tr><td>{{.Index}}</td><td>{{bytes .Size}}</td><td>{{.Entries}}</td><td>{{.Whiteouts}}</td><td><code title="{{.DiffID}}">{{short .DiffID}}</code></td><td><code>{{.CreatedBy}}</code>{{with .Comment}} ({{.}}){{end}}</td></tr>
{{end}}</table>
<h2>History</h2>
<table><tr><th>#</th><th>Created</th><th>Layer</th><th>Created by</th><th>Comment</th></tr>
{{range .History}}<tr><td>{{.Index}}</td><td>{{.Created}}</td><td>{{if .EmptyLayer}}(config only){{else}}{{with .Layer}}{{deref .}}{{end}}{{end}}</td><td><code>{{.CreatedBy}}</code></td><td>{{.Comment}}</td></tr>
{{end}}</table>
<p>{{.Summary.Files}} entries in the effective file tree ({{bytes .Summary.Bytes}}); {{bytes .Summary.Scanned}} of content scanned; {{.Summary.Recovered}} files recoverable from earlier layers.</p>
</body></html>
`))

// WriteJSON writes r as indented JSON, without escaping <, > and & (the
// report is data, not HTML).
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteHTML writes r as a single self-contained HTML page.
func WriteHTML(w io.Writer, r *Report) error { return htmlPage.Execute(w, r) }
