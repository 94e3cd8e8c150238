package incident

// reportHTML is the template of the HTML report; html/template escapes
// every value, in text, attributes and SVG alike.
const reportHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Peregrine incidents</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
h2{border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top;font-size:.9em}
.high{color:#b00020}.medium{color:#e65100}.low{color:#546e7a}
.absent{color:#999}.present{font-weight:bold}
code{background:#f4f4f4;padding:0 .2em;word-break:break-all}
svg{background:#fafafa;border:1px solid #ddd}
</style></head><body>
<h1>Peregrine incidents</h1>
<p>{{len .Incidents}} incidents from {{.Signals}} signals (window {{.Window}}); {{.Unrelated}} signals in no cryptomining incident.</p>
{{range .Shown}}
<section id="{{.ID}}">
<h2>{{if .Cryptomining}}Cryptomining incident{{else}}Group (not cryptomining){{end}} {{.ID}}</h2>
<p>Confidence <b class="{{.Level}}">{{.Confidence}} ({{.Level}})</b>: {{range $i, $s := .Scoring}}{{if $i}}, {{end}}{{$s}}{{end}}.
From {{stamp .Start}} to {{stamp .End}}.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="900" height="{{.Height}}" viewBox="0 0 900 {{.Height}}" role="img" aria-label="timeline">
{{range .Lanes}}<line x1="110" y1="{{.Y}}" x2="890" y2="{{.Y}}" stroke="#ccc"/>
<text x="8" y="{{.Y}}" dy="4" font-size="12" {{if .Present}}font-weight="bold"{{else}}fill="#999"{{end}}>{{.Name}}</text>
{{end}}<line x1="110" y1="{{.AxisL}}" x2="890" y2="{{.AxisL}}" stroke="#888"/>
<text x="110" y="{{.AxisY}}" font-size="11">{{.First}}</text>
<text x="890" y="{{.AxisY}}" font-size="11" text-anchor="end">{{.Last}}</text>
{{range .Marks}}{{if .Width}}<rect x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" width="{{printf "%.1f" .Width}}" height="{{$.Bar}}" transform="translate(0,-{{$.Marker}})" fill="{{.Color}}" fill-opacity="0.5"{{if .Mining}} stroke="#000" stroke-width="2"{{end}}><title>{{.Title}}</title></rect>
{{else}}<circle cx="{{printf "%.1f" .X}}" cy="{{printf "%.1f" .Y}}" r="{{$.Marker}}" fill="{{.Color}}"{{if .Mining}} stroke="#000" stroke-width="2"{{end}}><title>{{.Title}}</title></circle>
{{end}}{{end}}</svg>
<h3>Categories</h3>
<table><tr>{{range .Categories}}<th>{{.Category}}</th>{{end}}</tr>
<tr>{{range .Categories}}<td class="{{if .Present}}present{{else}}absent{{end}}">{{if .Present}}present ({{.Signals}}){{else}}absent{{end}}</td>{{end}}</tr></table>
<h3>Resources</h3>
<table><tr><th>kind</th><th>resource</th><th>signals</th></tr>
{{range .Resources}}<tr><td>{{.Kind}}</td><td><code>{{.Value}}</code></td><td>{{.Signals}}</td></tr>
{{end}}</table>
<h3>Timeline</h3>
<table><tr><th>time</th><th>category</th><th>source</th><th>priority</th><th>rule</th><th>summary</th></tr>
{{range .Timeline}}<tr><td>{{stamp .Time}}</td><td>{{.Category}}</td><td>{{.Source}}</td><td>{{.Priority}}</td><td>{{if .Cryptomining}}<b>{{.Rule}}</b>{{else}}{{.Rule}}{{end}}</td><td>{{.Summary}}<br><small>{{.Origin}}</small></td></tr>
{{end}}</table>
<h3>Response</h3>
<ol>{{range .Steps}}<li>{{.Action}}{{if .Command}}<br><code>{{.Command}}</code>{{end}}</li>
{{end}}</ol>
</section>
{{end}}
{{if .Errors}}<h2>Inputs skipped</h2><ul>{{range .Errors}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body></html>
`
