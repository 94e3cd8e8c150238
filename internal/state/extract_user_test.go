package state

import (
	"testing"
)

func userScenarios() []scenario {
	return []scenario{
		{
			name: "a host user with a login",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
			},
			cases: []fieldCase{
				{"user.uid", v("1000")},
				{"user.name", v("ubuntu")},
				{"user.homedir", v("/home/ubuntu")},
				{"user.shell", v("/bin/bash")},
				{"user.loginuid", v("1000")},
				{"user.loginname", v("ubuntu")},
				{"group.gid", v("1000")},
				{"group.name", v("ubuntu")},
			},
		},
		{
			name: "a container user",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 5000, -1, openParams(3, "/etc/nginx.conf", 1, 0))
			},
			cases: []fieldCase{
				{"user.uid", v("101")},
				{"user.name", v("nginx")},
				{"user.homedir", v("/nonexistent")},
				{"user.shell", v("/bin/false")},
				{"user.loginuid", v("-1")},
				{"user.loginname", nil},
				{"group.name", v("nginx")},
			},
		},
		{
			name: "root in a container whose tables do not list it",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 5000, -1, openParams(3, "/etc/nginx.conf", 1, 0))
				th := f.s.threads[5000]
				th.EUID, th.GID, th.LoginUID = 0, 0, 0
			},
			cases: []fieldCase{
				{"user.name", v("root")},
				{"user.homedir", v("/root")},
				{"user.shell", nil},
				{"user.loginname", v("root")},
				{"group.name", v("root")},
			},
		},
		{
			name: "an id no table lists",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
				th := f.s.threads[17497]
				th.EUID, th.GID, th.LoginUID = 4242, 4242, 4242
			},
			cases: []fieldCase{
				{"user.uid", v("4242")},
				{"user.name", nil},
				{"user.homedir", nil},
				{"user.loginuid", v("4242")},
				{"user.loginname", nil},
				{"group.gid", v("4242")},
				{"group.name", nil},
			},
		},
		{
			name: "a container without tables uses the host's",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 5000, -1, openParams(3, "/etc/nginx.conf", 1, 0))
				delete(f.s.users, testContainer)
				delete(f.s.groups, testContainer)
				th := f.s.threads[5000]
				th.EUID, th.GID = 1000, 1000
			},
			cases: []fieldCase{{"user.name", v("ubuntu")}, {"group.name", v("ubuntu")}},
		},
	}
}
