package rules

import "testing"

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		fold, want bool
	}{
		{"", "", false, true},
		{"", "a", false, false},
		{"*", "", false, true},
		{"*", "anything/at/all", false, true}, // no FNM_PATHNAME: * crosses '/'
		{"*", ".hidden", false, true},         // no FNM_PERIOD
		{"/etc/*", "/etc/shadow", false, true},
		{"/etc/*", "/etc/ssh/sshd_config", false, true},
		{"/etc/*", "/etcx/shadow", false, false},
		{"*.log", "/var/log/syslog.log", false, true},
		{"*.log", "/var/log/syslog.log.1", false, false},
		{"a*b*c", "abbbc", false, true},
		{"a*b*c", "acb", false, false},
		{"**a", "bba", false, true},
		{"?", "a", false, true},
		{"?", "", false, false},
		{"?", "ab", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "a/c", false, true},
		{"[abc]", "b", false, true},
		{"[abc]", "d", false, false},
		{"[a-c]x", "bx", false, true},
		{"[a-c]x", "dx", false, false},
		{"[!a-c]", "d", false, true},
		{"[!a-c]", "a", false, false},
		{"[^a-c]", "d", false, true}, // glibc takes '^' like '!'
		{"[]]", "]", false, true},
		{"[!]]", "]", false, false},
		{"[!]]", "a", false, true},
		{"[a-]", "-", false, true},
		{"[]-]", "-", false, true},
		{"[z-a]", "m", false, false},
		{"[[:digit:]]*", "7up", false, true},
		{"[[:digit:]]*", "up", false, false},
		{"[[:alpha:][:digit:]]", "x", false, true},
		{"[[:upper:]]", "a", false, false},
		{"[[:space:]]", "\t", false, true},
		{"[[:punct:]]", "!", false, true},
		{"[[:bogus:]]", "a", false, false}, // unknown class: nothing matches
		{"[[:bogus:]]", "[", false, false},
		{"[[=a=]]", "a", false, true},
		{"[[.-.]]", "-", false, true},
		{"[", "[", false, true}, // unterminated: a plain '['
		{"[ab", "[ab", false, true},
		{"a[", "a[", false, true},
		{"[[]", "[", false, true},
		{`\*`, "*", false, true},
		{`\*`, "a", false, false},
		{`\?`, "?", false, true},
		{`a\`, `a\`, false, false}, // a trailing backslash matches nothing
		{`[\]]`, "]", false, true},
		{`[\!a]`, "!", false, true},
		{"A*", "abc", false, false},
		{"A*", "abc", true, true},
		{"*BC", "abc", true, true},
		{"[A-C]", "b", true, true},
		{"[a-c]", "B", true, true},
		{"[[:upper:]]", "a", true, false}, // classes test the byte as it is
		{"é", "É", true, false},           // ASCII folding only
		{"/usr/*/bin", "/usr/local/bin", false, true},
		{"*/bin/*", "/usr/bin/ls", false, true},
		{"*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
	}
	for _, tc := range cases {
		if got := globMatch([]byte(tc.pattern), []byte(tc.s), tc.fold); got != tc.want {
			t.Errorf("globMatch(%q, %q, fold=%v) = %v, want %v", tc.pattern, tc.s, tc.fold, got, tc.want)
		}
	}
}

// FuzzGlobMatch checks that no pattern makes globMatch panic, and that a
// pattern without special bytes matches exactly itself.
func FuzzGlobMatch(f *testing.F) {
	for _, s := range []string{"*", "[a-z]*", "[!]", `\`, "[[:alpha:]", "a?b", "[[.x.]-z]"} {
		f.Add(s, "abc")
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		globMatch([]byte(pattern), []byte(s), false)
		globMatch([]byte(pattern), []byte(s), true)
		plain := true
		for i := 0; i < len(pattern); i++ {
			switch pattern[i] {
			case '*', '?', '[', '\\':
				plain = false
			}
		}
		if plain && globMatch([]byte(pattern), []byte(s), false) != (pattern == s) {
			t.Fatalf("plain pattern %q against %q", pattern, s)
		}
	})
}
