package capture

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"

	"peregrine/internal/event"
)

// maxCred is the longest user or group string libs stores (its 256-byte
// buffers less the NUL).
const maxCred = 255

// users reads the host's users and groups from etc/passwd and etc/group
// below the host root, as libs does with fgetpwent(3) and fgetgrent(3):
// blank lines, comments and malformed lines are skipped. A missing file
// gives an empty list.
func (w *worker) users() (users []event.User, groups []event.Group) {
	passwd := hostPath(w.sc.opts.HostRoot, "/etc/passwd")
	if err := scanLines(passwd, func(line string) {
		if u, ok := parsePasswdLine(line); ok {
			users = append(users, u)
		}
	}); err != nil && !errors.Is(err, fs.ErrNotExist) {
		w.stats.note("users: %v", err)
	}
	group := hostPath(w.sc.opts.HostRoot, "/etc/group")
	if err := scanLines(group, func(line string) {
		if g, ok := parseGroupLine(line); ok {
			groups = append(groups, g)
		}
	}); err != nil && !errors.Is(err, fs.ErrNotExist) {
		w.stats.note("groups: %v", err)
	}
	return users, groups
}

// parsePasswdLine parses "name:password:uid:gid:gecos:home:shell".
func parsePasswdLine(line string) (event.User, bool) {
	f, ok := credFields(line, 7)
	if !ok {
		return event.User{}, false
	}
	uid, err1 := strconv.ParseUint(f[2], 10, 32)
	gid, err2 := strconv.ParseUint(f[3], 10, 32)
	if err1 != nil || err2 != nil {
		return event.User{}, false
	}
	return event.User{
		UID: uint32(uid), GID: uint32(gid),
		Name: truncate(f[0], maxCred), Home: truncate(f[5], maxCred), Shell: truncate(f[6], maxCred),
	}, true
}

// parseGroupLine parses "name:password:gid:members".
func parseGroupLine(line string) (event.Group, bool) {
	f, ok := credFields(line, 4)
	if !ok {
		return event.Group{}, false
	}
	gid, err := strconv.ParseUint(f[2], 10, 32)
	if err != nil {
		return event.Group{}, false
	}
	return event.Group{GID: uint32(gid), Name: truncate(f[0], maxCred)}, true
}

// credFields splits a passwd or group line into exactly n fields; blank
// lines, comments and NIS compat entries ("+", "-") do not count.
func credFields(line string, n int) ([]string, bool) {
	line = strings.TrimRight(line, "\r")
	if t := strings.TrimLeft(line, " \t"); t == "" || t[0] == '#' || t[0] == '+' || t[0] == '-' {
		return nil, false
	}
	f := strings.Split(line, ":")
	if len(f) != n || f[0] == "" {
		return nil, false
	}
	return f, true
}
