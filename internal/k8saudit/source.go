package k8saudit

import (
	"errors"
	"fmt"
	"time"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// PluginName is the Falco plugin the source stands in for (evt.pluginname).
const PluginName = "k8saudit"

// Def returns the k8s_audit source for package docsrc. clusterName is the
// value of ka.cluster.name ("" for none).
func Def(clusterName string) *docsrc.Def {
	return &docsrc.Def{
		Source:  field.SourceK8sAudit,
		Plugin:  PluginName,
		Bind:    binder{cluster: clusterName}.bind,
		Records: Records,
	}
}

// ErrNotAudit is returned by Records for a batch that is neither an audit
// Event, an EventList nor an array of them.
var ErrNotAudit = errors.New("not a Kubernetes audit Event or EventList")

// Records splits a batch into audit events: an EventList (its items), a
// single Event, or a JSON array of either, as the plugin accepts them.
// Each event's time is its stageTimestamp (RFC 3339); an event without
// one, or not an object, goes to bad, as does an element of an array that
// is neither an Event nor an EventList, and the rest go on.
func Records(body []byte, each func(doc []byte, t time.Time), bad func(error)) error {
	v := gjson.Parse(docsrc.Text(body))
	if !v.IsArray() {
		return records(v, each, bad)
	}
	docsrc.Elements(v, func(i int, item gjson.Result) {
		if err := records(item, each, bad); err != nil {
			bad(fmt.Errorf("element %d: %w", i, err))
		}
	})
	return nil
}

// records gives the events of one Event or EventList.
func records(v gjson.Result, each func([]byte, time.Time), bad func(error)) error {
	if !v.IsObject() {
		return ErrNotAudit
	}
	switch kind := v.Get("kind").Str; kind {
	case "EventList":
		docsrc.Elements(v.Get("items"), func(i int, item gjson.Result) { event(item, i, each, bad) })
		return nil
	case "Event":
		event(v, -1, each, bad)
		return nil
	case "":
		return fmt.Errorf("%w: no kind", ErrNotAudit)
	default:
		return fmt.Errorf("%w: kind %q", ErrNotAudit, kind)
	}
}

// event gives one audit event; item is its index in an EventList (-1
// outside one), for error messages.
func event(v gjson.Result, item int, each func([]byte, time.Time), bad func(error)) {
	fail := func(format string, args ...any) {
		err := fmt.Errorf(format, args...)
		if item >= 0 {
			err = fmt.Errorf("item %d: %w", item, err)
		}
		bad(err)
	}
	if !v.IsObject() {
		fail("event is not a JSON object")
		return
	}
	ts := v.Get("stageTimestamp")
	if ts.Type != gjson.String {
		fail("event %s has no stageTimestamp", v.Get("auditID").Str)
		return
	}
	t, err := time.Parse(time.RFC3339Nano, ts.Str)
	if err != nil {
		fail("event %s: stageTimestamp: %w", v.Get("auditID").Str, err)
		return
	}
	// gjson's Raw is a substring of the text it parsed: the event's
	// bytes within the batch, without a copy.
	each(docsrc.Bytes(v.Raw), t)
}
