package rules

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// oracleScript reads lines "flags patternhex stringhex" and prints 1 or 0
// for each: what glibc's fnmatch(3) says, in the C locale.
const oracleScript = `
import ctypes, locale, sys
locale.setlocale(locale.LC_ALL, "C")
libc = ctypes.CDLL("libc.so.6")
libc.fnmatch.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
out = []
for line in sys.stdin:
    flags, p, s = line.split(" ")
    r = libc.fnmatch(bytes.fromhex(p), bytes.fromhex(s.strip()), int(flags))
    out.append("1" if r == 0 else "0")
print("".join(out))
`

// TestGlobOracle compares globMatch with glibc's fnmatch on random
// patterns and strings over a small alphabet rich in special bytes.
func TestGlobOracle(t *testing.T) {
	python := testenv.Tool(t, "python3")
	const fnmCasefold = 1 << 4
	alphabet := []string{"a", "b", "A", "z", ":", "=", "/", ".", "-", "*", "?", "[", "]", "!", "^", `\`, "[:alpha:]", "[:bogus:]", "[:upper:]", "[=a=]", "[.b.]", "[.-.]", "[:"}
	rng := rand.New(rand.NewPCG(7, 9))
	word := func(max int, specials bool) string {
		var b strings.Builder
		for range rng.IntN(max + 1) {
			s := alphabet[rng.IntN(len(alphabet))]
			if !specials && len(s) > 1 {
				s = s[:1]
			}
			b.WriteString(s)
		}
		return b.String()
	}
	type pair struct {
		p, s string
		fold bool
	}
	var pairs []pair
	var in bytes.Buffer
	for i := range 60000 {
		p := pair{word(7, true), word(5, false), i%2 == 1}
		pairs = append(pairs, p)
		flags := 0
		if p.fold {
			flags = fnmCasefold
		}
		fmt.Fprintf(&in, "%d %s %s\n", flags, hex.EncodeToString([]byte(p.p)), hex.EncodeToString([]byte(p.s)))
	}
	cmd := exec.Command(python, "-c", oracleScript)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python fnmatch oracle: %v", err)
	}
	got := strings.TrimSpace(string(out))
	if len(got) != len(pairs) {
		t.Fatalf("oracle gave %d answers for %d questions", len(got), len(pairs))
	}
	bad := 0
	for i, p := range pairs {
		want := got[i] == '1'
		if globMatch([]byte(p.p), []byte(p.s), p.fold) != want {
			if bad++; bad <= 20 {
				t.Errorf("globMatch(%q, %q, fold=%v) = %v, fnmatch says %v", p.p, p.s, p.fold, !want, want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d differ from fnmatch", bad, len(pairs))
	}
}
