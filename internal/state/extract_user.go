package state

import (
	"peregrine/internal/event"
	"peregrine/internal/field"
)

// The user.* and group.* fields: the effective user and group of the
// event's thread, named from the user and group tables of its container.
//
// A container whose tables the state does not have (a capture records the
// host's) uses the host's. An id the tables do not list has no name, home
// or shell, except uid and gid 0, which libsinsp names root (with /root as
// home) without a table.

// userOf returns the account uid as thread t sees it, nil when unknown.
func (s *State) userOf(t *Thread, uid uint32) *User {
	c := t.Container
	if len(s.users[c]) == 0 {
		c = ""
	}
	return s.users[c][uid]
}

// groupOf returns group gid as thread t sees it, nil when unknown.
func (s *State) groupOf(t *Thread, gid uint32) *Group {
	c := t.Container
	if len(s.groups[c]) == 0 {
		c = ""
	}
	return s.groups[c][gid]
}

// userField binds a string of the thread's user (uid from get); root is
// the value for uid 0 without a table entry, "" for none.
func userField(uid func(t *Thread) uint32, get func(u *User) string, root string) bindFunc {
	return threadValueOf(func(s *State, t *Thread) (field.Value, bool) {
		id := uid(t)
		if u := s.userOf(t, id); u != nil {
			return str(get(u)), true
		}
		if id == 0 && root != "" {
			return str(root), true
		}
		return field.Value{}, false
	})
}

func effectiveUID(t *Thread) uint32 { return t.EUID }

// userBindings are the user and group fields.
var userBindings = map[string]bindFunc{
	"user.uid":     threadValue(func(t *Thread) (field.Value, bool) { return field.Uint(uint64(t.EUID)), true }),
	"user.name":    userField(effectiveUID, func(u *User) string { return u.Name }, "root"),
	"user.homedir": userField(effectiveUID, func(u *User) string { return u.Home }, "/root"),
	"user.shell":   userField(effectiveUID, func(u *User) string { return u.Shell }, ""),
	// The audit uid is a uint32 whose all-ones value means none; libsinsp
	// gives it as -1 so that conditions can say so.
	"user.loginuid": threadValue(func(t *Thread) (field.Value, bool) {
		if t.LoginUID == event.NoLoginUID {
			return field.Int(-1), true
		}
		return field.Int(int64(t.LoginUID)), true
	}),
	"user.loginname": threadValueOf(func(s *State, t *Thread) (field.Value, bool) {
		if t.LoginUID == event.NoLoginUID {
			return field.Value{}, false
		}
		if u := s.userOf(t, t.LoginUID); u != nil {
			return str(u.Name), true
		}
		if t.LoginUID == 0 {
			return str("root"), true
		}
		return field.Value{}, false
	}),
	"group.gid": threadValue(func(t *Thread) (field.Value, bool) { return field.Uint(uint64(t.GID)), true }),
	"group.name": threadValueOf(func(s *State, t *Thread) (field.Value, bool) {
		if g := s.groupOf(t, t.GID); g != nil {
			return str(g.Name), true
		}
		if t.GID == 0 {
			return str("root"), true
		}
		return field.Value{}, false
	}),
}
