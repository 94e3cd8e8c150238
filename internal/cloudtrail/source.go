package cloudtrail

import (
	"errors"
	"fmt"
	"time"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// PluginName is the Falco plugin the source stands in for (evt.pluginname).
const PluginName = "cloudtrail"

// Def returns the aws_cloudtrail source for package docsrc, with a new
// [Learner] of its own behind ct.region.new and ct.user.new: the options
// set its learning period and bound (defaults DefaultLearningPeriod and
// DefaultMaxEntries). The learner belongs to the one evaluator the Def
// serves.
func Def(opts ...Option) *docsrc.Def {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	return NewDef(NewLearner(cfg.period, cfg.max))
}

// NewDef returns the aws_cloudtrail source with l as its learner (to read
// its Stats).
func NewDef(l *Learner) *docsrc.Def {
	return &docsrc.Def{
		Source: field.SourceCloudTrail,
		Plugin: PluginName,
		Bind: func(c *docsrc.Cursor, f *field.Field, arg field.Arg) (field.Extractor, error) {
			switch f.Name {
			case "ct.region.new":
				return composed(c, func(dst []byte, _ *docsrc.Cursor) ([]byte, bool) { return verdictText(dst, l.region) }), nil
			case "ct.user.new":
				return composed(c, func(dst []byte, _ *docsrc.Cursor) ([]byte, bool) { return verdictText(dst, l.user) }), nil
			}
			return bind(c, f, arg)
		},
		Records: Records,
		Observe: l.Observe,
	}
}

// Option sets how the source learns (see [Def]).
type Option func(*config)

type config struct {
	period time.Duration
	max    int
}

// WithLearningPeriod sets the learning period: how long after an
// account's first record (in record time) nothing of it is new.
func WithLearningPeriod(d time.Duration) Option { return func(c *config) { c.period = d } }

// WithMaxEntries bounds the learned state (accounts, regions and
// principals together).
func WithMaxEntries(n int) Option { return func(c *config) { c.max = n } }

// ErrNotCloudTrail is returned by Records for a batch that is neither a
// CloudTrail log file ({"Records": [...]}), a single record nor an array
// of records.
var ErrNotCloudTrail = errors.New("not a CloudTrail log file or record")

// Records splits a batch into CloudTrail records: the Records array of a
// log file as CloudTrail delivers it to S3, a single record (one line of
// a JSON lines export), or a JSON array of records. Each record's time is
// its eventTime (RFC 3339); a record without one, or not an object, goes
// to bad with its index in the batch and the rest go on.
func Records(body []byte, each func(doc []byte, t time.Time), bad func(error)) error {
	v := gjson.Parse(docsrc.Text(body))
	switch {
	case v.IsArray():
		docsrc.Elements(v, func(i int, item gjson.Result) { record(item, i, each, bad) })
		return nil
	case !v.IsObject():
		return ErrNotCloudTrail
	}
	if recs := v.Get("Records"); recs.Exists() {
		if !recs.IsArray() {
			return fmt.Errorf("%w: Records is not an array", ErrNotCloudTrail)
		}
		docsrc.Elements(recs, func(i int, item gjson.Result) { record(item, i, each, bad) })
		return nil
	}
	if !v.Get("eventTime").Exists() && !v.Get("eventName").Exists() && !v.Get("eventVersion").Exists() {
		return fmt.Errorf("%w: no Records, eventTime or eventName", ErrNotCloudTrail)
	}
	record(v, -1, each, bad)
	return nil
}

// record gives one record; i is its index in the batch's array (-1 for a
// record that is the whole batch), for error messages.
func record(v gjson.Result, i int, each func([]byte, time.Time), bad func(error)) {
	fail := func(format string, args ...any) {
		err := fmt.Errorf(format, args...)
		if i >= 0 {
			err = fmt.Errorf("record %d: %w", i, err)
		}
		bad(err)
	}
	if !v.IsObject() {
		fail("record is not a JSON object")
		return
	}
	id := v.Get("eventID").Str
	if id == "" {
		id = "without eventID"
	}
	ts := v.Get("eventTime")
	if ts.Type != gjson.String {
		fail("record %s has no eventTime", id)
		return
	}
	t, err := time.Parse(time.RFC3339Nano, ts.Str)
	if err != nil {
		fail("record %s: eventTime: %w", id, err)
		return
	}
	// Raw is a substring of the batch: the record's bytes, no copy.
	each(docsrc.Bytes(v.Raw), t)
}
