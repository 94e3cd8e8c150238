package cloudtrail

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// learnRecord is a record of the learner's tests.
type learnRecord struct {
	day    int    // days after 2026-11-01
	acct   string // recipientAccountId; "" for none
	region string
	who    string // userIdentity.arn
	call   string // an EC2 call
}

func (r learnRecord) doc() []byte {
	acct := ""
	if r.acct != "" {
		acct = fmt.Sprintf(`,"recipientAccountId":%q`, r.acct)
	}
	return []byte(fmt.Sprintf(`{"eventSource":"ec2.amazonaws.com","eventName":%q,"awsRegion":%q,"userIdentity":{"arn":%q}%s}`,
		r.call, r.region, r.who, acct))
}

func (r learnRecord) time() time.Time {
	return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.day) * 24 * time.Hour)
}

// TestLearnerFields: the values of ct.region.new and ct.user.new, read
// through the Def's extractors, for a sequence of records of a learner
// with a 7-day period and room for 5 entries.
func TestLearnerFields(t *testing.T) {
	const a, b = "111122223333", "444455556666"
	steps := []struct {
		rec          learnRecord
		region, user string // "" for no value
	}{
		{learnRecord{0, a, "us-east-1", "alice", "RunInstances"}, "false", "false"},        // the account's first record: learning
		{learnRecord{6, a, "eu-west-1", "bob", "DescribeInstances"}, "false", ""},          // learning; not a launch
		{learnRecord{8, a, "us-east-1", "alice", "RunInstances"}, "false", "false"},        // seen before
		{learnRecord{8, a, "eu-west-1", "bob", "RunInstances"}, "false", "true"},           // bob first launches now
		{learnRecord{9, a, "eu-west-1", "bob", "CreateFleet"}, "false", "true"},            // still within a period of his first
		{learnRecord{16, a, "eu-west-1", "bob", "RequestSpotInstances"}, "false", "false"}, // a period later: known
		// The state (5 entries: a, a/us-east-1, a/alice, a/eu-west-1, a/bob) is full.
		{learnRecord{16, b, "us-east-1", "carol", "RunInstances"}, "", ""},                // account b not remembered: no value
		{learnRecord{17, "", "us-east-1", "carol", "RunInstances"}, "", ""},               // no account (userIdentity has none either)
		{learnRecord{18, a, "ap-southeast-1", "mallory", "RunInstances"}, "true", "true"}, // not remembered: judged first seen now
		{learnRecord{19, a, "ap-southeast-1", "mallory", "RunInstances"}, "true", "true"}, // and again
	}
	l := NewLearner(0, 5)
	def := NewDef(l)
	var cur docsrc.Cursor
	cat := field.Default()
	extract := map[string]field.Extractor{}
	for _, name := range []string{"ct.region.new", "ct.user.new"} {
		f, _, ok := cat.Lookup(field.SourceCloudTrail, name)
		if !ok {
			t.Fatalf("%s not in the catalog", name)
		}
		x, err := def.Bind(&cur, f, field.Arg{})
		if err != nil {
			t.Fatal(err)
		}
		extract[name] = x
	}
	value := func(name string) string {
		vs := extract[name](nil)
		if len(vs) == 0 {
			return ""
		}
		return string(vs[0].B)
	}
	for i, s := range steps {
		cur.Set(s.rec.doc(), s.rec.time())
		def.Observe(&cur)
		got := [2]string{value("ct.region.new"), value("ct.user.new")}
		if diff := cmp.Diff([2]string{s.region, s.user}, got); diff != "" {
			t.Errorf("step %d %+v (-want +got):\n%s", i, s.rec, diff)
		}
	}
	if st := l.Stats(); st.Entries != 5 || st.Dropped == 0 {
		t.Errorf("stats %+v, want 5 entries and drops", st)
	}
}

// TestLearnerAccountFallback: without recipientAccountId the caller's
// account is used, and without an ARN the principal id.
func TestLearnerAccountFallback(t *testing.T) {
	l := NewLearner(time.Hour, 0)
	var cur docsrc.Cursor
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	doc := []byte(`{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"us-east-1","userIdentity":{"accountId":"1","principalId":"P"}}`)
	cur.Set(doc, t0)
	l.Observe(&cur)
	if l.region != notNew || l.user != notNew {
		t.Fatalf("learning: region %d user %d", l.region, l.user)
	}
	other := []byte(`{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"us-west-2","userIdentity":{"accountId":"1","principalId":"Q"}}`)
	cur.Set(other, t0.Add(2*time.Hour))
	l.Observe(&cur)
	if l.region != isNew || l.user != isNew {
		t.Errorf("after learning: region %d user %d, want both new", l.region, l.user)
	}
	cur.Set(doc, t0.Add(3*time.Hour))
	l.Observe(&cur)
	if l.region != notNew || l.user != notNew {
		t.Errorf("known: region %d user %d, want both known", l.region, l.user)
	}
}

// TestLearnerNoAllocation: judging records whose keys are known
// allocates nothing.
func TestLearnerNoAllocation(t *testing.T) {
	l := NewLearner(0, 0)
	var cur docsrc.Cursor
	recs := []learnRecord{
		{0, "111122223333", "us-east-1", "arn:aws:iam::111122223333:user/alice", "RunInstances"},
		{8, "111122223333", "eu-west-1", "arn:aws:iam::111122223333:user/bob", "RunInstances"},
		{9, "111122223333", "eu-west-1", "arn:aws:iam::111122223333:user/bob", "DescribeInstances"},
	}
	docs := make([][]byte, len(recs))
	for i, r := range recs {
		docs[i] = r.doc()
		cur.Set(docs[i], r.time())
		l.Observe(&cur) // first sightings: keys allocated here
	}
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		r := recs[i%len(recs)]
		cur.Set(docs[i%len(recs)], r.time().Add(24*time.Hour))
		l.Observe(&cur)
		i++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per record, want 0", allocs)
	}
}
