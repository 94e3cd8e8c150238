package k8saudit

import (
	"strings"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// containerField gives one setting of each container of a kind
// (containers, initContainers, ephemeralContainers) of the pod in the
// request: ka.req.pod.<kind>.<sub>, for every container or container idx.
// A container without the setting gives nothing, except for the
// effective user and group, which fall back to the pod's setting, then 0.
func containerField(c *docsrc.Cursor, kind, sub string, idx int) field.Extractor {
	key := containerKeys[sub]
	path := docsrc.CompilePath("requestObject.spec." + kind)
	var podPath docsrc.Path
	switch sub {
	case "eff_run_as_user":
		podPath = docsrc.CompilePath("requestObject.spec.securityContext.runAsUser")
	case "eff_run_as_group":
		podPath = docsrc.CompilePath("requestObject.spec.securityContext.runAsGroup")
	}
	zero := docsrc.Str("0")
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		arr := c.Lookup(path)
		if !arr.Exists() && kind == "ephemeralContainers" {
			// The older EphemeralContainers object of the
			// ephemeralcontainers subresource lists them at its top.
			arr = c.Lookup(pathOldEphemeral)
		}
		if !arr.IsArray() {
			return dst
		}
		fallback := zero
		if podPath.String() != "" {
			if p := c.Lookup(podPath); p.Exists() {
				fallback = docsrc.Value(p)
			}
		}
		return appendElems(dst, arr, idx, func(dst []field.Value, ct gjson.Result) []field.Value {
			v := ct.Get(key)
			switch sub {
			case "image.repository":
				if v.Type == gjson.String {
					dst = append(dst, docsrc.Str(repository(v.Str)))
				}
			case "host_port":
				v.ForEach(func(_, port gjson.Result) bool {
					if p := port.Get("hostPort"); p.Exists() {
						dst = append(dst, docsrc.Value(p))
					} else if p := port.Get("containerPort"); p.Exists() {
						// With hostNetwork, the container port is a host port.
						dst = append(dst, docsrc.Value(p))
					}
					return true
				})
			case "add_capabilities":
				v.ForEach(func(_, capability gjson.Result) bool {
					dst = append(dst, docsrc.Value(capability))
					return true
				})
			case "eff_run_as_user", "eff_run_as_group":
				if v.Exists() {
					dst = append(dst, docsrc.Value(v))
				} else {
					dst = append(dst, fallback)
				}
			default:
				if v.Exists() {
					dst = append(dst, docsrc.Value(v))
				}
			}
			return dst
		})
	}
}

// volumes gives the value at key of each volume of the pod in the
// request that has it (or of volume idx).
func volumes(c *docsrc.Cursor, key string, idx int) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		arr := c.Lookup(pathVolumes)
		return appendElems(dst, arr, idx, func(dst []field.Value, vol gjson.Result) []field.Value {
			if v := vol.Get(key); v.Exists() {
				dst = append(dst, docsrc.Value(v))
			}
			return dst
		})
	}
}

// volumeTypes gives the type of each volume of the pod in the request:
// its keys other than name (hostPath, secret, emptyDir ...).
func volumeTypes(c *docsrc.Cursor, idx int) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		arr := c.Lookup(pathVolumes)
		return appendElems(dst, arr, idx, func(dst []field.Value, vol gjson.Result) []field.Value {
			vol.ForEach(func(k, _ gjson.Result) bool {
				if k.Str != "name" {
					dst = append(dst, docsrc.Value(k))
				}
				return true
			})
			return dst
		})
	}
}

// hostPathUnder gives true when a hostPath volume of the pod in the
// request mounts path (or, for path ending in *, a path that starts with
// the rest), false when none does: the deprecated ka.req.volume.hostpath.
func hostPathUnder(c *docsrc.Cursor, path string) field.Extractor {
	prefix, isPrefix := strings.CutSuffix(path, "*")
	yes, no := docsrc.Str("true"), docsrc.Str("false")
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		arr := c.Lookup(pathVolumes)
		if !arr.IsArray() {
			return dst
		}
		found := false
		arr.ForEach(func(_, vol gjson.Result) bool {
			p := vol.Get("hostPath.path")
			if p.Type == gjson.String {
				found = p.Str == path || (isPrefix && strings.HasPrefix(p.Str, prefix))
			}
			return !found
		})
		if found {
			return append(dst, yes)
		}
		return append(dst, no)
	}
}
