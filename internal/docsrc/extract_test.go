package docsrc_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

func TestMember(t *testing.T) {
	var c docsrc.Cursor
	ex := docsrc.Member(&c, docsrc.CompilePath("a.b"))
	if got := ex(nil); len(got) != 0 {
		t.Errorf("before a document: %v", got)
	}
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{`{"a":{"b":"x"}}`, []string{"x"}},
		{`{"a":{"b":[1,2]}}`, []string{"[1,2]"}},
		{`{"a":{"b":null}}`, []string{"null"}},
		{`{"a":{"c":1}}`, nil},
	} {
		c.Set([]byte(tc.doc), time.Unix(1, 0))
		var got []string
		for _, v := range ex(nil) {
			got = append(got, string(v.B))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.doc, diff)
		}
	}
}

func TestIndexArg(t *testing.T) {
	list := &field.Field{Name: "ka.user.groups", Arg: field.ArgOptional}
	plain := &field.Field{Name: "ka.verb"}
	for _, tc := range []struct {
		f       *field.Field
		arg     field.Arg
		want    int
		wantErr string
	}{
		{list, field.Arg{}, -1, ""},
		{list, field.Arg{Text: "2"}, 2, ""},
		{plain, field.Arg{Text: "2"}, -1, ""},
		{list, field.Arg{Text: "x"}, 0, "ka.user.groups[x]: "},
	} {
		got, err := docsrc.IndexArg(tc.f, tc.arg)
		switch {
		case tc.wantErr != "" && (err == nil || len(err.Error()) < len(tc.wantErr) || err.Error()[:len(tc.wantErr)] != tc.wantErr):
			t.Errorf("%s[%s]: error %v, want %q...", tc.f.Name, tc.arg.Text, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("%s[%s]: %d, %v; want %d", tc.f.Name, tc.arg.Text, got, err, tc.want)
		}
	}
}

func TestElements(t *testing.T) {
	for _, tc := range []struct {
		json string
		want []string
	}{
		{`[{"a":1},"x",3]`, []string{`0 {"a":1}`, `1 "x"`, `2 3`}},
		{`[]`, nil},
		{`{"a":1}`, nil},
		{`"x"`, nil},
	} {
		var got []string
		docsrc.Elements(gjson.Parse(tc.json), func(i int, item gjson.Result) {
			got = append(got, fmt.Sprintf("%d %s", i, item.Raw))
		})
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.json, diff)
		}
	}
}
