package compute

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// PluginName is the value of evt.pluginname for compute events. No Falco
// plugin gives this source: the name is Peregrine's.
const PluginName = "compute"

// Def returns the compute source for package docsrc: the documents a
// [Sampler] reports, live or replayed from a file of JSON lines.
func Def() *docsrc.Def {
	return &docsrc.Def{
		Source:  field.SourceCompute,
		Plugin:  PluginName,
		Bind:    bind,
		Records: Records,
	}
}

// ErrNotCompute is returned by Records for a batch that is not a compute
// event nor an array of them.
var ErrNotCompute = errors.New("not a compute event")

// Records splits a batch into compute events: one event (a JSON object
// with "compute" and "time"), or an array of them. An event without a
// time it can read goes to bad.
func Records(body []byte, each func(doc []byte, t time.Time), bad func(error)) error {
	v := gjson.Parse(docsrc.Text(body))
	switch {
	case v.IsArray():
		docsrc.Elements(v, func(i int, item gjson.Result) {
			if !item.IsObject() || !item.Get("compute").IsObject() {
				bad(fmt.Errorf("item %d: %w", i, ErrNotCompute))
			} else {
				record(item, each, bad)
			}
		})
		return nil
	case !v.IsObject() || !v.Get("compute").IsObject():
		return ErrNotCompute
	}
	record(v, each, bad)
	return nil
}

// record gives one event with its time.
func record(v gjson.Result, each func([]byte, time.Time), bad func(error)) {
	ts := v.Get("time")
	if ts.Type != gjson.String {
		bad(fmt.Errorf("compute event without a time"))
		return
	}
	t, err := time.Parse(time.RFC3339Nano, ts.Str)
	if err != nil {
		bad(fmt.Errorf("compute event: time: %w", err))
		return
	}
	// Raw is a substring of the batch: no copy.
	each(docsrc.Bytes(v.Raw), t)
}

// bind makes the extractor of a compute.* field. Every field reads the
// member of the document at its own name (compute.cpu.pct is
// {"compute":{"cpu":{"pct":...}}}); the catalog's type says how.
func bind(c *docsrc.Cursor, f *field.Field, _ field.Arg) (field.Extractor, error) {
	if !strings.HasPrefix(f.Name, "compute.") {
		return nil, fmt.Errorf("%s: no value in %s events", f.Name, field.SourceCompute)
	}
	p := docsrc.CompilePath(f.Name)
	switch f.Kind() {
	case field.KindString:
		return docsrc.Member(c, p), nil
	case field.KindUint:
		return func(dst []field.Value) []field.Value {
			if r := c.Lookup(p); r.Type == gjson.Number && r.Num >= 0 {
				dst = append(dst, field.Uint(uint64(math.Round(r.Num))))
			}
			return dst
		}, nil
	case field.KindInt:
		return func(dst []field.Value) []field.Value {
			if r := c.Lookup(p); r.Type == gjson.Number {
				dst = append(dst, field.Int(int64(math.Round(r.Num))))
			}
			return dst
		}, nil
	}
	return nil, fmt.Errorf("%s: type %v not read from compute events", f.Name, f.Type)
}
