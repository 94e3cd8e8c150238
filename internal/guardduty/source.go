package guardduty

import (
	"errors"
	"fmt"
	"time"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// PluginName is the value of evt.pluginname for findings. No Falco plugin
// reads GuardDuty; the name says which reader of Peregrine's gave them.
const PluginName = "guardduty"

// eventBridgeType is the detail-type of the EventBridge events that carry
// a GuardDuty finding.
const eventBridgeType = "GuardDuty Finding"

// Def returns the aws_guardduty source for package docsrc.
func Def() *docsrc.Def {
	return &docsrc.Def{
		Source:  field.SourceGuardDuty,
		Plugin:  PluginName,
		Bind:    bind,
		Records: Records,
	}
}

// ErrNotFinding is returned by Records for a batch that is neither a
// finding, a GetFindings result, an EventBridge event of a finding, nor an
// array of them.
var ErrNotFinding = errors.New("not a GuardDuty finding, GetFindings result or EventBridge finding event")

// Records splits a batch into findings (see the package documentation
// for the shapes it takes). A finding's time is its updatedAt, or its
// createdAt when it has no updatedAt. A finding without a type, a
// numeric severity or a time that parses goes to bad, naming its place
// in the batch, and the others go on.
func Records(body []byte, each func(doc []byte, t time.Time), bad func(error)) error {
	v := gjson.Parse(docsrc.Text(body))
	if !v.IsArray() {
		return batch(v, place{elem: -1, finding: -1}, each, bad)
	}
	docsrc.Elements(v, func(i int, item gjson.Result) {
		if err := batch(item, place{elem: i, finding: -1}, each, bad); err != nil {
			bad(fmt.Errorf("element %d: %w", i, err))
		}
	})
	return nil
}

// place is where a finding is in its batch, for error messages: the
// element of a JSON array (-1 outside one), the item of a Findings list
// (-1 outside one), and whether it is an EventBridge event's detail. It
// is formatted only when a finding is bad.
type place struct {
	elem, finding int
	detail        bool
}

// String returns the place as a prefix of an error message ("" when the
// finding is the whole batch).
func (p place) String() string {
	s := ""
	if p.elem >= 0 {
		s += fmt.Sprintf("element %d: ", p.elem)
	}
	if p.finding >= 0 {
		s += fmt.Sprintf("finding %d: ", p.finding)
	}
	if p.detail {
		s += "event detail: "
	}
	return s
}

// Batch-level member names, in both spellings where the API has both.
var (
	keyFindings   = newKey("findings")
	keyType       = newKey("type")
	keyID         = newKey("id")
	keySeverity   = newKey("severity")
	keyUpdatedAt  = newKey("updatedAt")
	keyCreatedAt  = newKey("createdAt")
	keySchema     = newKey("schemaVersion")
	keyAccountID  = newKey("accountId")
	keyDetailType = key{camel: "detail-type", pascal: "DetailType"}
)

// batch gives the findings of one object: a GetFindings result, an
// EventBridge event or a finding, at where in its batch.
func batch(v gjson.Result, where place, each func([]byte, time.Time), bad func(error)) error {
	if !v.IsObject() {
		return ErrNotFinding
	}
	if list := keyFindings.in(v); list.Exists() {
		if !list.IsArray() {
			return fmt.Errorf("%w: Findings is %s, not an array", ErrNotFinding, kindOf(list))
		}
		docsrc.Elements(list, func(i int, item gjson.Result) {
			at := where
			at.finding = i
			finding(item, at, each, bad)
		})
		return nil
	}
	if dt := keyDetailType.in(v); dt.Exists() {
		if dt.Str != eventBridgeType {
			return fmt.Errorf("%w: EventBridge event of detail-type %q", ErrNotFinding, dt.Str)
		}
		detail := v.Get("detail")
		if !detail.Exists() {
			detail = v.Get("Detail")
		}
		where.detail = true
		finding(detail, where, each, bad)
		return nil
	}
	if keyType.in(v).Exists() || keySchema.in(v).Exists() || keyAccountID.in(v).Exists() {
		finding(v, where, each, bad)
		return nil
	}
	return ErrNotFinding
}

// finding checks one finding and gives it to each, or says to bad why it
// cannot be evaluated.
func finding(v gjson.Result, where place, each func([]byte, time.Time), bad func(error)) {
	fail := func(format string, args ...any) {
		bad(fmt.Errorf("%s%w", where, fmt.Errorf(format, args...)))
	}
	if !v.IsObject() {
		fail("finding is %s, not a JSON object", kindOf(v))
		return
	}
	// One spelling per finding, which its first member shows: each key
	// is then looked up once, not tried in the wrong spelling first (a
	// miss scans the whole finding).
	pascal := false
	v.ForEach(func(k, _ gjson.Result) bool {
		pascal = k.Str != "" && k.Str[0] >= 'A' && k.Str[0] <= 'Z'
		return false
	})
	id := keyID.pick(v, pascal).Str
	if id == "" {
		id = "without id"
	}
	typ := keyType.pick(v, pascal)
	if typ.Type != gjson.String || typ.Str == "" {
		fail("finding %s has no type", id)
		return
	}
	sev := keySeverity.pick(v, pascal)
	switch {
	case !sev.Exists():
		fail("finding %s (%s) has no severity", id, typ.Str)
		return
	case sev.Type != gjson.Number:
		fail("finding %s (%s): severity is %s %s, not a number", id, typ.Str, kindOf(sev), clip(sev.Raw))
		return
	}
	name, ts := "updatedAt", keyUpdatedAt.pick(v, pascal)
	if !ts.Exists() {
		name, ts = "createdAt", keyCreatedAt.pick(v, pascal)
	}
	if ts.Type != gjson.String {
		fail("finding %s (%s) has neither updatedAt nor createdAt", id, typ.Str)
		return
	}
	t, err := time.Parse(time.RFC3339Nano, ts.Str)
	if err != nil {
		fail("finding %s (%s): %s: %w", id, typ.Str, name, err)
		return
	}
	// gjson's Raw is a substring of the text it parsed: the finding's
	// bytes within the batch, without a copy.
	each(docsrc.Bytes(v.Raw), t)
}

// kindOf names the JSON type of a value, for error messages.
func kindOf(v gjson.Result) string {
	switch {
	case !v.Exists():
		return "missing"
	case v.IsObject():
		return "an object"
	case v.IsArray():
		return "an array"
	}
	switch v.Type {
	case gjson.String:
		return "a string"
	case gjson.Number:
		return "a number"
	case gjson.True, gjson.False:
		return "a boolean"
	case gjson.Null:
		return "null"
	}
	return "something else"
}

// clip returns the start of a bad value, for an error message.
func clip(s string) string {
	const n = 40
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
