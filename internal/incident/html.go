package incident

import (
	"html/template"
	"io"
	"time"
)

// The geometry of the timeline picture, in SVG user units.
const (
	svgLeft   = 110 // room for the lane names
	svgWidth  = 900
	svgLane   = 34
	svgTop    = 10
	svgMarker = 6
)

// htmlLane is one category's lane of the picture.
type htmlLane struct {
	Name    Category
	Y       int
	Present bool
}

// htmlMark is one signal in the picture.
type htmlMark struct {
	X, Y  float64
	Width float64 // > 0: a span, drawn as a bar from X

	Color  string
	Title  string
	Mining bool
}

// htmlIncident is an incident with its picture laid out.
type htmlIncident struct {
	Incident
	Lanes  []htmlLane
	Marks  []htmlMark
	Height int
	Right  int
	AxisY  int    // the baseline of the time labels
	AxisL  int    // the height of the time axis line
	First  string // the time at the left end
	Last   string // the time at the right end
}

// markColor colours a marker by priority.
func markColor(p string) string {
	switch r := priorityRank(p); {
	case r >= priorityRank("critical"):
		return "#b00020"
	case r == priorityRank("error"):
		return "#e65100"
	case r == priorityRank("warning"):
		return "#f9a825"
	}
	return "#546e7a"
}

// layout places the incident's signals: one lane per category, x by time
// across the incident's span.
func layout(inc Incident) htmlIncident {
	lanes := svgTop + svgLane*len(Categories)
	h := htmlIncident{Incident: inc, Right: svgWidth - 10, Height: lanes + 24, AxisY: lanes + 14, AxisL: lanes + 2,
		First: inc.Start.Format(time.RFC3339), Last: inc.End.Format(time.RFC3339)}
	lane := map[Category]int{}
	for i, c := range inc.Categories {
		y := svgTop + svgLane*i + svgLane/2
		lane[c.Category] = y
		h.Lanes = append(h.Lanes, htmlLane{Name: c.Category, Y: y, Present: c.Present})
	}
	span := inc.End.Sub(inc.Start)
	at := func(t time.Time) float64 {
		if span <= 0 {
			return svgLeft
		}
		return svgLeft + float64(h.Right-svgLeft)*float64(t.Sub(inc.Start))/float64(span)
	}
	for _, e := range inc.Timeline {
		x, w := at(e.Time), 0.0
		if e.End != nil {
			w = max(at(*e.End)-x, 2*svgMarker)
		}
		h.Marks = append(h.Marks, htmlMark{
			X: x, Y: float64(lane[e.Category]), Width: w, Color: markColor(e.Priority), Mining: e.Cryptomining,
			Title: e.Time.Format(time.RFC3339Nano) + " " + e.Priority + " " + e.Rule + ": " + e.Summary,
		})
	}
	return h
}

// WriteHTML writes r as one self-contained HTML page: per incident a
// timeline picture (inline SVG, one lane per category, a marker per
// signal), the resources, the timeline and the response steps. All text
// from the input is escaped.
func (r *Report) WriteHTML(w io.Writer) error {
	data := struct {
		*Report
		Shown  []htmlIncident
		Marker int // the radius of a marker
		Bar    int // the height of a bar
	}{Report: r, Marker: svgMarker, Bar: 2 * svgMarker}
	for _, inc := range r.Incidents {
		data.Shown = append(data.Shown, layout(inc))
	}
	return reportTemplate.Execute(w, data)
}

// reportTemplate is the HTML report.
var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"stamp": func(t time.Time) string { return t.Format("2006-01-02 15:04:05.000Z07:00") },
}).Parse(reportHTML))
