package guardduty

import (
	"bytes"
	"strings"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// tags gives the instance's tags as key=value. The texts are built in a
// buffer the extractor keeps, so they cost no allocation once it has
// grown to the largest tag set seen.
func tags(c *docsrc.Cursor) field.Extractor {
	var buf []byte
	var ends []int
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		buf, ends = buf[:0], ends[:0]
		pathTags.get(c).ForEach(func(_, tag gjson.Result) bool {
			k := keyTagKey.in(tag)
			if k.Type != gjson.String {
				return true
			}
			buf = append(buf, k.Str...)
			buf = append(buf, '=')
			buf = append(buf, keyTagValue.in(tag).Str...)
			ends = append(ends, len(buf))
			return true
		})
		start := 0
		for _, end := range ends {
			dst = append(dst, field.String(buf[start:end:end]))
			start = end
		}
		return dst
	}
}

// threatNames gives every threat name of every threat intelligence
// detail of the evidence.
func threatNames(c *docsrc.Cursor) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		pathThreats.get(c).ForEach(func(_, d gjson.Result) bool {
			keyThreatNames.in(d).ForEach(func(_, n gjson.Result) bool {
				if n.Type == gjson.String {
					dst = append(dst, docsrc.Value(n))
				}
				return true
			})
			return true
		})
		return dst
	}
}

// containers gives the value at k of every container the finding names:
// the container of its resource (an object) and those of the lists at the
// other paths (arrays). A value already given is not given twice: an EKS
// runtime finding names its container both ways.
func containers(c *docsrc.Cursor, k key, paths ...path) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		first := len(dst)
		add := func(ct gjson.Result) {
			v := k.in(ct)
			if v.Type != gjson.String || v.Str == "" {
				return
			}
			val := docsrc.Value(v)
			for _, have := range dst[first:] {
				if bytes.Equal(have.B, val.B) {
					return
				}
			}
			dst = append(dst, val)
		}
		for _, p := range paths {
			r := p.get(c)
			if r.IsArray() {
				r.ForEach(func(_, ct gjson.Result) bool { add(ct); return true })
			} else if r.IsObject() {
				add(r)
			}
		}
		return dst
	}
}

// pod gives the workload's name when the workload is a pod.
func pod(c *docsrc.Cursor) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		w := pathK8sWorkload.get(c)
		t := keyWorkType.in(w).Str
		if !strings.EqualFold(t, "pods") && !strings.EqualFold(t, "pod") {
			return dst
		}
		if n := keyName.in(w); n.Type == gjson.String && n.Str != "" {
			dst = append(dst, docsrc.Value(n))
		}
		return dst
	}
}

// sample gives whether the finding is a generated sample. EventBridge
// events and the console carry additionalInfo.sample as a boolean; the
// API gives additionalInfo as {value, type}, value being JSON text. A
// finding that says nothing is not a sample.
func sample(c *docsrc.Cursor) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		info := pathAdditional.get(c)
		if s := keySample.in(info); s.Exists() {
			return append(dst, field.Bool(s.Type == gjson.True))
		}
		// Reading the value member would unescape it (an allocation):
		// the object's text holds it escaped, which is enough.
		return append(dst, field.Bool(info.IsObject() && sampleInText(info.Raw)))
	}
}

// sampleInText reports whether raw, the text of the API's additionalInfo
// object, whose value member is JSON text in a JSON string (its quotes
// escaped), sets sample to true there.
func sampleInText(raw string) bool {
	const key = `\"sample\"`
	for {
		i := strings.Index(raw, key)
		if i < 0 {
			return false
		}
		rest := strings.TrimLeft(raw[i+len(key):], " \t\r\n")
		if after, ok := strings.CutPrefix(rest, ":"); ok {
			return strings.HasPrefix(strings.TrimLeft(after, " \t\r\n"), "true")
		}
		raw = raw[i+len(key):]
	}
}
