package state

import (
	"time"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// The fields every event has (libsinsp's generic event class): number,
// times, source and host.

const nsPerSecond = 1_000_000_000

// evtBindings are the generic event fields.
var evtBindings = map[string]bindFunc{
	"evt.num": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if b.event() == nil {
				return dst
			}
			if b.numSet {
				return append(dst, field.Uint(b.num))
			}
			return append(dst, field.Uint(b.s.stats.Events))
		}
	}),
	"evt.time":         timeText("15:04:05.000000000", false),
	"evt.time.s":       timeText("15:04:05", false),
	"evt.datetime":     timeText("2006-01-02 15:04:05.000000000", false),
	"evt.datetime.s":   timeText("2006-01-02 15:04:05", false),
	"evt.time.iso8601": timeText("2006-01-02T15:04:05.000000000-0700", true),
	"evt.outputtime":   timeText("15:04:05.000000000", false),
	"evt.rawtime":      eventTime(func(b *Binder, ts uint64) (uint64, bool) { return ts, true }),
	"evt.rawtime.s":    eventTime(func(b *Binder, ts uint64) (uint64, bool) { return ts / nsPerSecond, true }),
	"evt.rawtime.ns":   eventTime(func(b *Binder, ts uint64) (uint64, bool) { return ts % nsPerSecond, true }),
	"evt.reltime":      eventTime(func(b *Binder, ts uint64) (uint64, bool) { return b.sinceStart(ts) }),
	"evt.reltime.s": eventTime(func(b *Binder, ts uint64) (uint64, bool) {
		d, ok := b.sinceStart(ts)
		return d / nsPerSecond, ok
	}),
	"evt.reltime.ns": eventTime(func(b *Binder, ts uint64) (uint64, bool) {
		d, ok := b.sinceStart(ts)
		return d % nsPerSecond, ok
	}),
	"evt.deltatime": eventTime(func(b *Binder, ts uint64) (uint64, bool) { return b.sincePrev(ts) }),
	"evt.deltatime.s": eventTime(func(b *Binder, ts uint64) (uint64, bool) {
		d, ok := b.sincePrev(ts)
		return d / nsPerSecond, ok
	}),
	"evt.deltatime.ns": eventTime(func(b *Binder, ts uint64) (uint64, bool) {
		d, ok := b.sincePrev(ts)
		return d % nsPerSecond, ok
	}),
	// Syscall events never come from a plugin: no plugin name or info,
	// as libsinsp answers for them.
	"evt.pluginname": simple(func(*Binder) field.Extractor { return noValue }),
	"evt.plugininfo": simple(func(*Binder) field.Extractor { return noValue }),
	"evt.source": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if b.event() == nil {
				return dst
			}
			return append(dst, str(field.SourceSyscall))
		}
	}),
	"evt.is_async": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil {
				return dst
			}
			return append(dst, boolValue(isMetaEvent(e)))
		}
	}),
	"evt.asynctype": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil || !isMetaEvent(e) {
				return dst
			}
			if e.Type() == typeAsyncEventE {
				if v, ok := e.Value(1); ok {
					return append(dst, field.String(v.Str()))
				}
				return dst
			}
			return append(dst, str(e.Type().Name()))
		}
	}),
	"evt.hostname": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if b.opt.Hostname != "" {
				return append(dst, str(b.opt.Hostname))
			}
			if m := b.s.machine; m != nil && m.Hostname != "" {
				return append(dst, str(m.Hostname))
			}
			return dst
		}
	}),
}

// isMetaEvent reports whether e was injected by the engine or a plugin
// (container descriptions, async events) rather than captured.
func isMetaEvent(e *event.Event) bool {
	info := e.Info()
	return info != nil && info.Category&event.CatMetaevent != 0
}

// sinceStart is the time from the first event to ts; false before SetNum
// was first called.
func (b *Binder) sinceStart(ts uint64) (uint64, bool) {
	if !b.startSet || ts < b.startTS {
		return 0, false
	}
	return ts - b.startTS, true
}

// sincePrev is the time from the previous event to ts; false before
// SetNum was first called or when the events are out of order.
func (b *Binder) sincePrev(ts uint64) (uint64, bool) {
	if !b.numSet || ts < b.prevTS {
		return 0, false
	}
	return ts - b.prevTS, true
}

// eventTime binds a KindTime field computed from the event's timestamp.
func eventTime(fn func(b *Binder, ts uint64) (uint64, bool)) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil {
				return dst
			}
			v, ok := fn(b, e.Timestamp())
			if !ok {
				return dst
			}
			return append(dst, timeValue(v))
		}
	})
}

// timeText binds a field that renders the event time with a Go layout, in
// the binder's zone or in UTC.
func timeText(layout string, utc bool) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, len(layout)+8)
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil {
				return dst
			}
			t := time.Unix(0, int64(e.Timestamp()))
			if utc {
				t = t.UTC()
			} else {
				t = t.In(b.loc)
			}
			buf = t.AppendFormat(buf[:0], layout)
			return append(dst, field.String(buf))
		}
	})
}
