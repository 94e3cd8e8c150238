package rules_test

import (
	"strings"
	"testing"

	"peregrine/internal/rules"
)

func TestCompileFilter(t *testing.T) {
	src := &synthSource{}
	ev := &synthEvent{typ: 307, comm: "cat", fd: "/etc/shadow", typechar: "f", fdnum: 3, flags: 1}
	tests := []struct {
		cond string
		want bool
		err  string
	}{
		{cond: "evt.type = openat and fd.name = /etc/shadow", want: true},
		{cond: "evt.type = open and fd.name = /etc/shadow", want: false},
		{cond: "fd.name startswith /etc and proc.name in (cat, less)", want: true},
		{cond: "not proc.name = cat", want: false},
		{cond: "proc.pname exists", want: false},
		{cond: "evt.type = openat and shell_procs", err: "1:23: unknown name shell_procs: a filter has no macros"},
		{cond: "proc.name in shells", err: "unknown list shells"},
		{cond: "proc.nam = cat", err: "1:1: unknown field proc.nam"},
		{cond: "proc.name = ", err: "1:"},
	}
	for _, tt := range tests {
		f, err := rules.CompileFilter(tt.cond, rules.Options{Binder: src})
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.cond, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.cond, err)
		}
		src.cur = ev
		if got := f.Match(ev.typ); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.cond, got, tt.want)
		}
	}
	if _, err := rules.CompileFilter("proc.name = x", rules.Options{}); err == nil {
		t.Error("a filter without binder compiled")
	}
}

func TestCompileFormat(t *testing.T) {
	src := &synthSource{cur: &synthEvent{typ: 307, comm: "cat", fd: "/etc/shadow"}}
	tests := []struct {
		format string
		want   string
		ok     bool
	}{
		{"%proc.name read %fd.name", "cat read /etc/shadow", true},
		{"%proc.name %proc.pname", "", false},
		{"*%proc.name %proc.pname", "cat <NA>", true},
		{"%evt.type: %6proc.name|", "openat: cat   |", true},
	}
	for _, tt := range tests {
		f, err := rules.CompileFormat(tt.format, rules.Options{Binder: src})
		if err != nil {
			t.Fatalf("%s: %v", tt.format, err)
		}
		got, ok := f.Append(nil)
		if string(got) != tt.want || ok != tt.ok {
			t.Errorf("%s: %q %v, want %q %v", tt.format, got, ok, tt.want, tt.ok)
		}
	}
	if _, err := rules.CompileFormat("%proc.nmae", rules.Options{Binder: src}); err == nil {
		t.Error("unknown field compiled")
	}
}
