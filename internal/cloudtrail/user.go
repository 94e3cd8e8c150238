package cloudtrail

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
)

// appendUser appends ct.user, the caller as the plugin names it: the
// user name of a root or IAM user, the service that acted for an AWS
// service, the name of the role an assumed-role session came from
// ("AssumedRole" when the record does not say), and the identity type
// itself for AWSAccount and FederatedUser callers. Other callers, and a
// user without a name, give no value.
func appendUser(dst []byte, c *docsrc.Cursor) ([]byte, bool) {
	id := c.Lookup(pathIdentity)
	typ := id.Get("type")
	if typ.Type != gjson.String {
		return dst, false
	}
	var name gjson.Result
	switch typ.Str {
	case "Root", "IAMUser":
		name = id.Get("userName")
	case "AWSService":
		name = id.Get("invokedBy")
	case "AssumedRole":
		if name = id.Get("sessionContext.sessionIssuer.userName"); name.Type != gjson.String {
			return append(dst, "AssumedRole"...), true
		}
	case "AWSAccount", "FederatedUser":
		return append(dst, typ.Str...), true
	default:
		return dst, false
	}
	if name.Type != gjson.String {
		return dst, false
	}
	return append(dst, name.Str...), true
}

// appendOriginalUser appends ct.originaluser: for an assumed role, the
// session name (the last part of the ARN, else what follows the colon of
// the principal id); for every other caller, ct.user.
func appendOriginalUser(dst []byte, c *docsrc.Cursor) ([]byte, bool) {
	id := c.Lookup(pathIdentity)
	if id.Get("type").Str != "AssumedRole" {
		return appendUser(dst, c)
	}
	if arn := id.Get("arn").Str; arn != "" {
		if i := strings.LastIndexByte(arn, '/'); i >= 0 && i < len(arn)-1 {
			return append(dst, arn[i+1:]...), true
		}
	}
	if pid := id.Get("principalId").Str; pid != "" {
		if _, session, ok := strings.Cut(pid, ":"); ok && session != "" {
			return append(dst, session...), true
		}
	}
	return appendUser(dst, c)
}

// writePrefixes are the starts of event names that change something: a
// record without readOnly whose name starts with one of them is taken as
// a write, any other as a read, as the plugin guesses.
var writePrefixes = [...]string{
	"Start", "Stop", "Create", "Destroy", "Delete", "Add", "Remove", "Terminate", "Put",
	"Associate", "Disassociate", "Attach", "Detach", "Open", "Close", "Wipe", "Update",
	"Upgrade", "Unlink", "Assign", "Unassign", "Suspend", "Set", "Run", "Register",
	"Deregister", "Reboot", "Purchase", "Modify", "Initialize", "Enable", "Disable",
	"Cancel", "Admin", "Activate",
}

// readOnly says whether the record only reads: its readOnly member, or,
// without one, a guess from the event name. ok is false when there is
// neither.
func readOnly(c *docsrc.Cursor) (ro, ok bool) {
	switch r := c.Lookup(pathReadOnly); {
	case r.Type == gjson.True:
		return true, true
	case r.Exists():
		return false, true
	}
	name := c.Lookup(pathEventName)
	if name.Type != gjson.String {
		return false, false
	}
	for _, p := range writePrefixes {
		if strings.HasPrefix(name.Str, p) {
			return false, true
		}
	}
	return true, true
}

// appendReadOnly appends ct.readonly: "true" or "false".
func appendReadOnly(dst []byte, c *docsrc.Cursor) ([]byte, bool) {
	ro, ok := readOnly(c)
	if !ok {
		return dst, false
	}
	return boolText(dst, ro), true
}

// appendInfo appends ct.info, a one-line summary: who, from where (left
// out when it is the caller itself, as for AWS services), "!" for a
// call that failed, an arrow for a read (←) or a write (→), the event
// name, then what S3 call it is about (size, object, bucket or host) or
// the public access block settings a PutBucketPublicAccessBlock sets.
func appendInfo(dst []byte, c *docsrc.Cursor) ([]byte, bool) {
	start := len(dst)
	dst, ok := appendUser(dst, c)
	if !ok {
		return append(dst[:start], "<invalid cloudtrail event: userIdentity field missing>"...), true
	}
	user := dst[start:]
	ip := c.Lookup(pathSourceIP)
	if ip.Type != gjson.String {
		return append(dst[:start], "<invalid cloudtrail event: sourceIPAddress field missing>"...), true
	}
	name := c.Lookup(pathEventName)
	if name.Type != gjson.String {
		return append(dst[:start], "<invalid cloudtrail event: eventName field missing>"...), true
	}
	if string(user) != ip.Str {
		dst = append(append(dst, " via "...), ip.Str...)
	}
	dst = append(dst, ' ')
	if c.Lookup(pathErrorCode).Type == gjson.String {
		dst = append(dst, '!')
	}
	if ro, ok := readOnly(c); ok && !ro {
		dst = append(dst, "→"...)
	} else {
		dst = append(dst, "←"...)
	}
	dst = append(append(dst, ' '), name.Str...)
	if name.Str == "PutBucketPublicAccessBlock" {
		if cfg := c.Lookup(pathAccessBlock); cfg.IsObject() {
			for _, k := range [...]string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
				dst = append(append(append(dst, ' '), k...), '=')
				dst = boolText(dst, cfg.Get(k).Type == gjson.True)
			}
		}
		return dst, true
	}
	if n, ok := s3Total(c, true, true); ok {
		dst = strconv.AppendUint(append(dst, " Size="...), n, 10)
	}
	bucket, key := c.Lookup(pathBucket), c.Lookup(pathKey)
	switch {
	case bucket.Type == gjson.String && key.Type == gjson.String:
		dst = append(append(append(append(dst, " URI=s3://"...), bucket.Str...), '/'), key.Str...)
	case bucket.Type == gjson.String:
		dst = append(append(dst, " Bucket="...), bucket.Str...)
	case key.Type == gjson.String:
		dst = append(append(dst, " Key="...), key.Str...)
	default:
		if h := c.Lookup(pathHost); h.Type == gjson.String {
			dst = append(append(dst, " Host="...), h.Str...)
		}
	}
	return dst, true
}
