package k8saudit

import (
	"net/url"
	"strings"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// subjects gives the names of the subjects of a role binding in the
// request that are of one kind (User, Group, ServiceAccount); withNS
// gives namespace:name instead.
func subjects(c *docsrc.Cursor, kind string, withNS bool) field.Extractor {
	var buf []byte
	var ends []int
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		arr := c.Lookup(pathSubjects)
		if !arr.IsArray() {
			return dst
		}
		buf, ends = buf[:0], ends[:0]
		arr.ForEach(func(_, s gjson.Result) bool {
			if s.Get("kind").Str != kind {
				return true
			}
			name := s.Get("name")
			if !name.Exists() {
				return true
			}
			if !withNS {
				dst = append(dst, docsrc.Value(name))
				return true
			}
			buf = append(buf, s.Get("namespace").Str...)
			buf = append(buf, ':')
			buf = append(buf, name.Str...)
			ends = append(ends, len(buf))
			return true
		})
		// The namespaced names are cut from buf once it stops growing.
		start := 0
		for _, end := range ends {
			dst = append(dst, field.String(buf[start:end]))
			start = end
		}
		return dst
	}
}

// roleRules gives every element of key (verbs, resources, apiGroups,
// nonResourceURLs) of each rule of a role in the request, or of rule idx.
func roleRules(c *docsrc.Cursor, key string, idx int) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		arr := c.Lookup(pathRules)
		return appendElems(dst, arr, idx, func(dst []field.Value, rule gjson.Result) []field.Value {
			v := rule.Get(key)
			if !v.IsArray() {
				return dst
			}
			v.ForEach(func(_, e gjson.Result) bool {
				dst = append(dst, docsrc.Value(e))
				return true
			})
			return dst
		})
	}
}

// uriParam gives the first value of the query parameter name in the
// request URI (ka.uri.param[command] of .../exec?command=sh is sh).
func uriParam(c *docsrc.Cursor, name string) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		uri := c.Lookup(pathURI)
		if uri.Type != gjson.String {
			return dst
		}
		_, query, ok := strings.Cut(uri.Str, "?")
		if !ok {
			return dst
		}
		for query != "" {
			var pair string
			pair, query, _ = strings.Cut(query, "&")
			k, v, _ := strings.Cut(pair, "=")
			key, err := url.QueryUnescape(k)
			if err != nil || key != name {
				continue
			}
			val, err := url.QueryUnescape(v)
			if err != nil {
				return dst
			}
			return append(dst, docsrc.Str(val))
		}
		return dst
	}
}
