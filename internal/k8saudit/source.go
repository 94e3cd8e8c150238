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
// one, or not an object, goes to bad.
func Records(body []byte, each func(doc []byte, t time.Time), bad func(error)) error {
	return records(gjson.Parse(docsrc.Text(body)), each, bad, 0)
}

func records(v gjson.Result, each func([]byte, time.Time), bad func(error), depth int) error {
	switch {
	case v.IsArray() && depth == 0:
		var err error
		v.ForEach(func(_, item gjson.Result) bool {
			err = records(item, each, bad, depth+1)
			return err == nil
		})
		return err
	case !v.IsObject():
		return ErrNotAudit
	}
	switch kind := v.Get("kind").Str; kind {
	case "EventList":
		i := 0
		v.Get("items").ForEach(func(_, item gjson.Result) bool {
			event(item, i, each, bad)
			i++
			return true
		})
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
