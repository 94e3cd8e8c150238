package syntax

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/testenv"
)

// unlimited is the depth used to reparse printed trees: the printer may
// add parentheses (not (a and b), (not), (x = oneof)) and so nest a little
// deeper than the text it came from.
var unlimited = MaxDepth(1 << 20)

// bytewise makes ParseFormat shorten a token one byte at a time, the
// reference for its faster shortening.
var bytewise Option = func(c *config) { c.bytewise = true }

// haveUpstream reports whether the upstream rule files are there to seed
// the fuzz targets; without them the targets run on their own seeds (the
// upstream tests are the ones that insist on the files).
func haveUpstream(f *testing.F) bool {
	_, err := os.Stat(filepath.Join(testenv.ModuleRoot(f), "..", "shared", "upstream-rules"))
	return err == nil
}

// fuzzSeeds are hand-written inputs that reach the corners of the grammar.
var fuzzSeeds = []string{
	"a", "not not a", "not (not a)", "(not) and b", "a or(b) and c", "(a)and(b)",
	"proc.name=bash", "fd.name in(a, b)", "test.op existsand macro", "fd.name inmylist",
	`a.b = "\x41\\\" \ "`, `a.b = 'it''s'`, `test.str = 'x \' \\''`, "a.b < -1.5e+3", "a.b <= 0x1F",
	`join(",", (tolower(a.b), "x", 3))[0] = x`, `getopt(proc.args, "c:")[c] exists`,
	"proc.name = val(proc.aname[2])", "tolower(proc.name) startswith anyof (a, 'b c')",
	"(proc.name = oneof) and x", "proc.env[\"HOME\"] = /root", "json.value[/a/b] in my_list",
	"a\n and\n (b or\tc)", "not\va", "a.b = a\bb",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	if haveUpstream(f) {
		conds, _ := loadUpstream(f)
		for _, c := range conds {
			f.Add(c.subst)
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src, MaxDepth(1000))
		if err != nil {
			return
		}
		printed := e.String()
		again, err := Parse(printed, unlimited)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", src, printed, err)
		}
		if d := cmp.Diff(e, again, ignorePos); d != "" {
			t.Fatalf("Parse(%q) printed %q, which parses differently (-first +second):\n%s", src, printed, d)
		}
		if p2 := again.String(); p2 != printed {
			t.Fatalf("printing is not stable: %q then %q", printed, p2)
		}
		if d := cmp.Diff(e, Clone(e)); d != "" {
			t.Fatalf("Clone differs:\n%s", d)
		}
	})
}

func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{
		"%proc.name", "*%evt.time: %12proc.name %proc.aname[2] %tolower(proc.name)", "%%", "100%",
		"%proc.name[x", "%tolower( proc.name )[x", "%json.value[/a/b]", "%12", "%1e+5", "by %user.name.",
		`%join(",", (proc.name, "a\"b"))`, "%concat(a.b, 1e+", "%evt.arg.flags.",
	} {
		f.Add(s)
	}
	if haveUpstream(f) {
		_, outputs := loadUpstream(f)
		for _, o := range outputs {
			f.Add(o.output)
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		fm, err := ParseFormat(src)
		if len(src) <= 4096 {
			ref, refErr := ParseFormat(src, bytewise)
			if d := cmp.Diff(ref, fm); d != "" {
				t.Fatalf("ParseFormat(%q) differs from bytewise shortening (-bytewise +fast):\n%s", src, d)
			}
			if (err == nil) != (refErr == nil) || err != nil && err.Error() != refErr.Error() {
				t.Fatalf("ParseFormat(%q) error %v, bytewise shortening %v", src, err, refErr)
			}
		}
		if err != nil {
			return
		}
		printed := fm.String()
		again, err := ParseFormat(printed)
		if err != nil {
			t.Fatalf("ParseFormat(%q) printed %q, which does not parse: %v", src, printed, err)
		}
		if d := cmp.Diff(fm, again, ignorePos); d != "" {
			t.Fatalf("ParseFormat(%q) printed %q, which parses differently (-first +second):\n%s", src, printed, d)
		}
		if p2 := again.String(); p2 != printed {
			t.Fatalf("printing is not stable: %q then %q", printed, p2)
		}
	})
}
