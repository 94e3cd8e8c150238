package image

import (
	"regexp"
	"slices"
	"strings"
)

// secretRule finds one kind of secret in text (environment values, build
// commands). Group 1 of re, when it exists, is the secret value; else the
// whole match is.
type secretRule struct {
	name     string
	severity Severity
	re       *regexp.Regexp
}

// secretRules, most specific first: the first rule to claim a span wins.
var secretRules = []secretRule{
	{"AWS access key id", Critical, regexp.MustCompile(`\b((?:AKIA|ASIA)[0-9A-Z]{16})\b`)},
	{"AWS secret access key", Critical, regexp.MustCompile(`(?i)aws_secret_access_key["']?\s*[=:]\s*["']?([A-Za-z0-9/+=]{40})`)},
	{"private key", Critical, regexp.MustCompile(`(-----BEGIN [A-Z ]*PRIVATE KEY-----[A-Za-z0-9+/=\s]*(?:-----END [A-Z ]*PRIVATE KEY-----)?)`)},
	{"GitHub token", High, regexp.MustCompile(`\b((?:gh[pousr]_[A-Za-z0-9]{36,})|github_pat_[A-Za-z0-9_]{22,})`)},
	{"Slack token", High, regexp.MustCompile(`\b(xox[abposr]-[A-Za-z0-9-]{10,})`)},
	{"password, token or secret assignment", High, regexp.MustCompile(`(?i)\b[A-Z0-9_.-]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)\s*[=:]\s*("[^"$]+"|'[^'$]+'|[^\s"'$;&|]+)`)},
}

// secretName matches variable names that hold credentials: a credential
// word as a whole part of the name (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN,
// DB_PASS) or at its end (PGPASSWORD); TOKENIZERS_PARALLELISM is none.
var secretName = regexp.MustCompile(`(?i)(?:^|_)(?:PASSWORD|PASSWD|PASSPHRASE|PASS|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CLIENT_?KEY|CREDENTIALS?)(?:_|$)|^[A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY)$`)

// secretPlace matches names that say where a secret is kept (the Docker
// secrets convention *_FILE, and *_PATH, *_DIR), not the secret.
var secretPlace = regexp.MustCompile(`(?i)_(?:FILE|PATH|DIR)$`)

// SecretName reports whether an environment variable (or label) name
// looks like it holds a credential. Image analysis and the container
// audit share it.
func SecretName(name string) bool {
	return secretName.MatchString(name) && !secretPlace.MatchString(name)
}

// secretHit is one secret found in a text.
type secretHit struct {
	rule     string
	severity Severity
	redacted string // the value, redacted
}

// redact hides a secret value, keeping a short prefix of long values so
// that an investigator can tell two keys apart.
func redact(v string) string {
	if len(v) >= 16 {
		return v[:4] + "…[redacted]"
	}
	return "[redacted]"
}

// findSecrets returns the secrets in s and s with their values redacted.
// The first rule to match a span of s claims it; the work is linear in
// the length of s and the number of matches.
func findSecrets(s string) (string, []secretHit) {
	type span struct{ from, to int }
	var (
		hits    []secretHit
		taken   []span
		claimed []bool // the bytes of s that a taken span covers, made at the first hit
	)
	for _, r := range secretRules {
		for _, m := range r.re.FindAllStringSubmatchIndex(s, -1) {
			from, to := m[0], m[1]
			if len(m) >= 4 && m[2] >= 0 {
				from, to = m[2], m[3]
			}
			if from == to || (claimed != nil && slices.Contains(claimed[from:to], true)) {
				continue
			}
			if claimed == nil {
				claimed = make([]bool, len(s))
			}
			for i := from; i < to; i++ {
				claimed[i] = true
			}
			taken = append(taken, span{from, to})
			hits = append(hits, secretHit{rule: r.name, severity: r.severity, redacted: redact(s[from:to])})
		}
	}
	if len(taken) == 0 {
		return s, nil
	}
	// the spans do not overlap: rebuild s with each replaced, left to right
	slices.SortFunc(taken, func(a, b span) int { return a.from - b.from })
	var b strings.Builder
	last := 0
	for _, t := range taken {
		b.WriteString(s[last:t.from])
		b.WriteString(redact(s[t.from:t.to]))
		last = t.to
	}
	b.WriteString(s[last:])
	return b.String(), hits
}

// envSecrets checks one NAME=VALUE environment entry: the value's own
// form, then a secret-looking name with a value. It returns the entry with
// the value redacted when it is secret.
func envSecrets(kv string) (string, []secretHit) {
	name, value, _ := strings.Cut(kv, "=")
	red, hits := findSecrets(kv)
	if len(hits) > 0 {
		return red, hits
	}
	if value != "" && SecretName(name) {
		return name + "=" + redact(value), []secretHit{{rule: "secret-looking variable " + name, severity: High, redacted: redact(value)}}
	}
	return kv, nil
}
