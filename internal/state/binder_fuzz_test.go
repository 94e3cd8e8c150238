package state

import (
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// fuzzArgs are arguments for the fields that take one, so that every use
// form is exercised.
var fuzzArgs = map[string][]field.Arg{
	"evt.arg":           {{Text: "0"}, {Text: "7"}, {Text: "fd", Dotted: true}, {Text: "name", Dotted: true}},
	"evt.rawarg":        {{Text: "fd", Dotted: true}, {Text: "res", Dotted: true}, {Text: "name", Dotted: true}},
	"evt.type.is":       {{Text: "open", Dotted: true}},
	"evt.abspath":       {{}, {Text: "dst", Dotted: true}},
	"proc.aname":        {{}, {Text: "2"}},
	"proc.aenv":         {{}, {Text: "1"}, {Text: "HOME"}},
	"proc.acmdline":     {{}, {Text: "1"}},
	"proc.env":          {{}, {Text: "HOME"}},
	"proc.args":         {{}, {Text: "0"}},
	"fd.types":          {{}, {Text: "3"}},
	"thread.cgroup":     {{Text: "cpu", Dotted: true}},
	"container.mount":   {{Text: "0"}, {Text: "/var/*"}},
	"container.label":   {{Text: "app", Dotted: true}},
	"evt.around":        {{Text: "1"}},
	"k8s.pod.label":     {{Text: "app", Dotted: true}},
	"k8smeta.pod.label": {{Text: "app"}},
}

// FuzzExtract applies arbitrary event streams to a state and extracts
// every syscall field after each event: no panic whatever the events
// hold (short, empty or mistyped parameters, unknown threads and fds,
// loops in the parent links).
func FuzzExtract(f *testing.F) {
	f.Add([]byte("\x29\x01\x10\x40\x00\x05\x30\x02\x40\x03\x35\x02"))
	f.Add([]byte("\x1f\x02\x10\x40\x20\x00\x05\x30\x01\x00\x00\x02\x10\x10\x1a\x03\x10\x40"))
	f.Add(make([]byte, 64))
	cat := field.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(Options{MaxThreads: 5, MaxFDs: 6})
		p := event.ProcessDefaults()
		p.TID, p.PID, p.PTID, p.Comm, p.Cwd = 1, 1, 0, "init", "/"
		s.Bootstrap(Bootstrap{Procs: []event.Process{p}, FDs: []ThreadFDs{{TID: 1, FDs: []event.FD{{Num: 3, Type: event.FDFileV2, Name: "/x"}}}}})
		b := s.Binder()
		var exts []field.Extractor
		for _, fl := range cat.Fields(field.SourceSyscall) {
			args, ok := fuzzArgs[fl.Name]
			if !ok {
				if fl.Arg == field.ArgRequired {
					args = []field.Arg{{Text: "x", Dotted: true}}
				} else {
					args = []field.Arg{{}}
				}
			}
			for _, a := range args {
				ext, err := b.Bind(fl, a)
				if err != nil {
					t.Fatalf("bind %s %+v: %v", fl.Name, a, err)
				}
				exts = append(exts, ext)
			}
		}
		var dst []field.Value
		num := uint64(0)
		fuzzEvents(data, func(e *event.Event) {
			s.Update(e)
			num++
			b.SetNum(num)
			for _, ext := range exts {
				dst = ext(dst[:0])
			}
		})
	})
}
