package cloudtrail

import (
	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// appendS3URI appends s3://bucket/key when the request names both.
func appendS3URI(dst []byte, c *docsrc.Cursor) ([]byte, bool) {
	bucket, key := c.Lookup(pathBucket), c.Lookup(pathKey)
	if bucket.Type != gjson.String || key.Type != gjson.String {
		return dst, false
	}
	return append(append(append(append(dst, "s3://"...), bucket.Str...), '/'), key.Str...), true
}

// s3Total adds the bytes an S3 call moved in (upload) and out
// (download), as additionalEventData counts them (sometimes as floats;
// a count that is not a number adds 0, as in the plugin); ok is false
// when the record counts neither.
func s3Total(c *docsrc.Cursor, in, out bool) (uint64, bool) {
	var n uint64
	ok := false
	add := func(p docsrc.Path) {
		r := c.Lookup(p)
		if !r.Exists() {
			return
		}
		ok = true
		if r.Type == gjson.Number && r.Num > 0 {
			n += uint64(r.Num)
		}
	}
	if in {
		add(pathBytesIn)
	}
	if out {
		add(pathBytesOut)
	}
	return n, ok
}

// s3Bytes gives s3.bytes, s3.bytes.in or s3.bytes.out.
func s3Bytes(c *docsrc.Cursor, in, out bool) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		if n, ok := s3Total(c, in, out); ok {
			return append(dst, field.Uint(n))
		}
		return dst
	}
}

// s3Count gives the s3.cnt.* counters: 1 when the call is of the
// counter's kind (GetObject, PutObject, any other call), else 0.
func s3Count(c *docsrc.Cursor, name string) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		ev := c.Lookup(pathEventName).Str
		var hit bool
		switch name {
		case "s3.cnt.get":
			hit = ev == "GetObject"
		case "s3.cnt.put":
			hit = ev == "PutObject"
		default:
			hit = ev != "GetObject" && ev != "PutObject"
		}
		if hit {
			return append(dst, field.Uint(1))
		}
		return append(dst, field.Uint(0))
	}
}

// appendInstanceName appends ec2.name: the value of the Name tag the
// request gives its instances (tagSpecificationSet items of resource
// type instance; the last such item with a Name tag wins).
func appendInstanceName(dst []byte, c *docsrc.Cursor) ([]byte, bool) {
	var name string
	c.Lookup(pathTagSpecs).ForEach(func(_, spec gjson.Result) bool {
		if spec.Get("resourceType").Str != "instance" {
			return true
		}
		spec.Get("tags").ForEach(func(_, tag gjson.Result) bool {
			if tag.Get("key").Str == "Name" {
				name = tag.Get("value").Str
				return false
			}
			return true
		})
		return true
	})
	if name == "" {
		return dst, false
	}
	return append(dst, name...), true
}

// imageIDs gives the image ids of the instances a call started: those
// of the response's instancesSet, else those of the request's; only
// element idx when idx >= 0.
func imageIDs(c *docsrc.Cursor, idx int) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		for _, p := range [...]docsrc.Path{pathRespItems, pathReqItems} {
			items := c.Lookup(p)
			if !items.IsArray() {
				continue
			}
			n, i := len(dst), 0
			items.ForEach(func(_, item gjson.Result) bool {
				id := item.Get("imageId")
				if id.Type != gjson.String {
					return true
				}
				if idx < 0 || i == idx {
					dst = append(dst, docsrc.Value(id))
				}
				i++
				return idx < 0 || i <= idx
			})
			if len(dst) > n {
				return dst
			}
		}
		return dst
	}
}
