package compute

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Kinds and states of the compute events (compute.kind, compute.state).
const (
	kindContainer = "container"
	kindProcess   = "process"
	stateHigh     = "high"
	stateNormal   = "normal"
	// hostID is compute.container.id of a process outside containers, as
	// Falco's container.id says "host".
	hostID = "host"
)

// report is one event to build.
type report struct {
	kind      string
	v         verdict
	container string // full id; "" for a process outside containers
	cgroup    string
	name      string // container name and image, from the runtime
	image     string
	proc      procKey
	info      *procInfo // nil: no process to name
	procPct   float64   // a container's busiest process, this interval
	details   procDetails
}

// appendDoc appends the JSON document of r, an event at now.
func (s *Sampler) appendDoc(b []byte, now time.Time, r *report) []byte {
	v := &r.v
	state := stateHigh
	if v.recovered {
		state = stateNormal
	}
	b = append(b, `{"time":"`...)
	b = now.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","compute":{"kind":"`...)
	b = append(b, r.kind...)
	b = append(b, `","state":"`...)
	b = append(b, state...)
	b = append(b, `","cpu":{"pct":`...)
	b = appendPct(b, v.avgPct)
	b = append(b, `,"cores_pct":`...)
	b = appendPct(b, v.avgPct/float64(s.opt.CPUs))
	b = append(b, `,"min_pct":`...)
	b = appendPct(b, v.minPct)
	b = append(b, `},"cpus":`...)
	b = strconv.AppendInt(b, int64(s.opt.CPUs), 10)
	b = append(b, `,"threshold":`...)
	b = appendPct(b, s.opt.Threshold)
	b = append(b, `,"window":`...)
	b = appendSeconds(b, s.opt.Window)
	b = append(b, `,"duration":`...)
	b = appendSeconds(b, v.duration)
	b = append(b, `,"interval":`...)
	b = strconv.AppendInt(b, s.opt.Interval.Milliseconds(), 10)
	b = append(b, `,"since":"`...)
	b = v.since.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if r.kind == kindContainer {
		b = append(b, `,"cgroup":`...)
		b = appendString(b, r.cgroup)
	}
	b = append(b, `,"container":{"id":`...)
	if r.container == "" {
		b = appendString(b, hostID)
	} else {
		b = appendString(b, r.container[:12])
		b = append(b, `,"full_id":`...)
		b = appendString(b, r.container)
		if r.name != "" {
			b = append(b, `,"name":`...)
			b = appendString(b, r.name)
		}
		if r.image != "" {
			b = append(b, `,"image":`...)
			b = appendString(b, r.image)
		}
	}
	b = append(b, '}')
	if r.info != nil {
		b = append(b, `,"proc":{"pid":`...)
		b = strconv.AppendInt(b, int64(r.proc.pid), 10)
		b = append(b, `,"name":`...)
		b = appendString(b, r.info.comm)
		if r.details.exe != "" {
			b = append(b, `,"exepath":`...)
			b = appendString(b, r.details.exe)
		}
		if r.details.cmdline != "" {
			b = append(b, `,"cmdline":`...)
			b = appendString(b, r.details.cmdline)
		}
		if r.kind == kindContainer && r.procPct >= 0 {
			b = append(b, `,"cpu":{"pct":`...)
			b = appendPct(b, r.procPct)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	if s.opt.Hostname != "" {
		b = append(b, `,"host":`...)
		b = appendString(b, s.opt.Hostname)
	}
	return append(b, "}}"...)
}

// appendPct appends a percentage with one decimal.
func appendPct(b []byte, p float64) []byte {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		p = 0
	}
	return strconv.AppendFloat(b, p, 'f', 1, 64)
}

// appendSeconds appends a duration in whole seconds, rounded.
func appendSeconds(b []byte, d time.Duration) []byte {
	return strconv.AppendInt(b, int64(d.Round(time.Second)/time.Second), 10)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD (a
// command line is whatever bytes the process was given).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
