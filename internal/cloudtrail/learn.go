package cloudtrail

import (
	"time"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
)

// Learning defaults: see [Learner].
const (
	// DefaultLearningPeriod is how long, in record time from an account's
	// first record, the source only learns what the account does.
	DefaultLearningPeriod = 7 * 24 * time.Hour
	// DefaultMaxEntries bounds the learned state: accounts, (account,
	// region) pairs and (account, launching principal) pairs together.
	DefaultMaxEntries = 100_000
)

// Verdicts of the learned fields for the current record.
const (
	noVerdict = iota // no value: nothing to judge, or not remembered
	notNew           // "false": learning, or seen before
	isNew            // "true": first seen after the learning period
)

// Kinds of learned keys (the key's first byte).
const (
	keyAccount   = 'a'
	keyRegion    = 'r'
	keyPrincipal = 'p'
)

// Paths the learner reads.
var (
	pathRecipient = docsrc.CompilePath("recipientAccountId")
	pathAccountID = docsrc.CompilePath("userIdentity.accountId")
	pathRegion    = docsrc.CompilePath("awsRegion")
	pathUserARN   = docsrc.CompilePath("userIdentity.arn")
	pathPrincipal = docsrc.CompilePath("userIdentity.principalId")
)

// Learner learns, per account, which regions have seen activity and which
// principals have launched compute, from the records in the order the
// evaluator sees them, and judges each record against what came before:
// ct.region.new and ct.user.new. Time is record time (eventTime): an
// account's learning period starts at its first record. A pair first seen
// after the learning period is new, and stays new for one more learning
// period from its first sighting, so that an intruder's own preparatory
// calls in a fresh region (a key pair, a security group) or a failed first
// launch do not make the launch that follows look familiar.
//
// The state is one map bounded by MaxEntries; once full, nothing more is
// remembered (Dropped counts the refusals): a pair of a known account not
// remembered is judged as first seen now, an account not remembered gets
// no value. Not safe for concurrent use: one evaluator goroutine.
type Learner struct {
	period  int64 // nanoseconds
	max     int
	seen    map[string]int64 // kind, account, 0, region or principal -> first seen (unix ns)
	key     []byte
	dropped uint64

	region, user int // verdicts for the current record
}

// NewLearner returns a learner with the given learning period and bound;
// zero or less means the default.
func NewLearner(period time.Duration, maxEntries int) *Learner {
	if period <= 0 {
		period = DefaultLearningPeriod
	}
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	return &Learner{period: int64(period), max: maxEntries, seen: make(map[string]int64)}
}

// LearnerStats tell how full the learned state is.
type LearnerStats struct {
	Entries int    // keys remembered
	Dropped uint64 // keys not remembered because the state was full
}

// Stats returns the learner's figures.
func (l *Learner) Stats() LearnerStats {
	return LearnerStats{Entries: len(l.seen), Dropped: l.dropped}
}

// Observe judges and learns the record the cursor is at.
func (l *Learner) Observe(c *docsrc.Cursor) {
	l.region, l.user = noVerdict, noVerdict
	account := c.Lookup(pathRecipient)
	if account.Type != gjson.String || account.Str == "" {
		account = c.Lookup(pathAccountID)
	}
	if account.Type != gjson.String || account.Str == "" {
		return
	}
	now := c.Time().UnixNano()
	start, ok := l.first(keyAccount, account.Str, "", now)
	if !ok {
		return
	}
	if r := c.Lookup(pathRegion); r.Type == gjson.String && r.Str != "" {
		l.region = l.judge(keyRegion, account.Str, r.Str, start, now)
	}
	if launchesCompute(c) {
		p := c.Lookup(pathUserARN)
		if p.Type != gjson.String || p.Str == "" {
			p = c.Lookup(pathPrincipal)
		}
		if p.Type == gjson.String && p.Str != "" {
			l.user = l.judge(keyPrincipal, account.Str, p.Str, start, now)
		}
	}
}

// judge learns (account, what) and gives its verdict at now for an
// account whose first record was at start.
func (l *Learner) judge(kind byte, account, what string, start, now int64) int {
	if now-start < l.period {
		l.first(kind, account, what, now)
		return notNew
	}
	seen, ok := l.first(kind, account, what, now)
	if !ok {
		seen = now // not remembered: as if first seen now
	}
	if seen-start >= l.period && now-seen < l.period {
		return isNew
	}
	return notNew
}

// first returns when the key was first seen, remembering now for a key
// not seen before; false when the state is full and the key is not in it.
func (l *Learner) first(kind byte, account, what string, now int64) (int64, bool) {
	l.key = append(l.key[:0], kind)
	l.key = append(l.key, account...)
	if kind != keyAccount {
		l.key = append(l.key, 0)
		l.key = append(l.key, what...)
	}
	if t, ok := l.seen[string(l.key)]; ok {
		return t, true
	}
	if len(l.seen) >= l.max {
		l.dropped++
		return 0, false
	}
	l.seen[string(l.key)] = now
	return now, true
}

// computeLaunches are the EC2 calls that start instances.
var computeLaunches = map[string]bool{
	"RunInstances":         true,
	"RequestSpotInstances": true,
	"RequestSpotFleet":     true,
	"CreateFleet":          true,
}

// launchesCompute reports whether the record is an EC2 call that starts
// instances (failed calls too: an attempt is what a new principal makes).
func launchesCompute(c *docsrc.Cursor) bool {
	src := c.Lookup(pathEventSource)
	if src.Type != gjson.String || src.Str != "ec2.amazonaws.com" {
		return false
	}
	name := c.Lookup(pathEventName)
	return name.Type == gjson.String && computeLaunches[name.Str]
}

// verdictText appends the text of a verdict; false for no value.
func verdictText(dst []byte, v int) ([]byte, bool) {
	switch v {
	case isNew:
		return append(dst, "true"...), true
	case notNew:
		return append(dst, "false"...), true
	}
	return dst, false
}
