package state

import (
	"testing"
)

func containerScenarios() []scenario {
	inNginx := func(t testing.TB, f *fixture) {
		f.at(t, typeOpenX, 5000, -1, openParams(3, "/etc/nginx.conf", 1, 0))
	}
	return []scenario{
		{
			name:  "a process in a described container of a pod",
			setup: inNginx,
			cases: []fieldCase{
				{"container.id", v(testContainer)},
				{"container.full_id", v(testContainer + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")},
				{"container.name", v("web")},
				{"container.type", v("docker")},
				{"container.image", v("nginx:1.25")},
				{"container.image.id", v("sha256:6f7e")},
				{"container.image.repository", v("nginx")},
				{"container.image.tag", v("1.25")},
				{"container.image.digest", v("sha256:96fb")},
				{"container.ip", v("172.17.0.2")},
				{"container.privileged", v("true")},
				{"container.host_pid", v("false")},
				{"container.host_network", v("true")},
				{"container.host_ipc", v("false")},
				{"container.start_ts", v(ns(testStart - 20*nsPerSecond))},
				{"container.duration", v(ns(testTS - testStart + 20*nsPerSecond))},
				{"container.label[app]", v("web")},
				{"container.label.tier", v("front")},
				{"container.label.io.kubernetes.pod.name", v("web-0")},
				{"container.label[nope]", nil},
				{"container.labels", v("app:web,io.kubernetes.pod.name:web-0,tier:front")},
				{"container.mounts", v("/var/run/docker.sock:/var/run/docker.sock::true:rprivate,/data:/usr/share/nginx/html:ro:false:rprivate")},
				{"container.mount[1]", v("/data:/usr/share/nginx/html:ro:false:rprivate")},
				{"container.mount[/var/run/docker.sock]", v("/var/run/docker.sock:/var/run/docker.sock::true:rprivate")},
				{"container.mount[/var/run/*]", v("/var/run/docker.sock:/var/run/docker.sock::true:rprivate")},
				{"container.mount[2]", nil},
				{"container.mount.source[/usr/share/*]", v("/data")},
				{"container.mount.dest[/var/run/docker.sock]", v("/var/run/docker.sock")},
				{"container.mount.mode[/data]", v("ro")},
				{"container.mount.rdwr[0]", v("true")},
				{"container.mount.rdwr[/d?ta]", v("false")},
				{"container.mount.propagation[1]", v("rprivate")},
				{"container.healthcheck", nil},
				{"proc.is_container_healthcheck", nil},
				{"k8s.pod.name", v("web-0")},
				{"k8s.ns.name", v("prod")},
				{"k8s.pod.uid", v("5d1b-uid")},
				{"k8s.pod.id", v("5d1b-uid")},
				{"k8s.pod.sandbox_id", v("abcdef012345")},
				{"k8s.pod.full_sandbox_id", v("abcdef0123456789abcdef")},
				{"k8s.pod.ip", v("172.17.0.2")},
				{"k8s.rc.name", nil},
				{"fd.containername", v(testContainer + ":/etc/nginx.conf")},
			},
		},
		{
			name: "a host process",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
			},
			cases: []fieldCase{
				{"container.id", v("host")},
				{"container.name", v("host")},
				{"container.type", v("host")},
				{"container.full_id", v("host")},
				{"container.image", nil},
				{"container.privileged", nil},
				{"container.start_ts", nil},
				{"container.duration", nil},
				{"container.labels", nil},
				{"container.mounts", nil},
				{"k8s.pod.name", nil},
			},
		},
		{
			name: "a container the state has no description of",
			setup: func(t testing.TB, f *fixture) {
				inNginx(t, f)
				f.s.threads[5000].Container = "0123456789ab"
			},
			cases: []fieldCase{
				{"container.id", v("0123456789ab")},
				{"container.name", nil},
				{"container.type", nil},
				{"container.image", nil},
				{"container.start_ts", v(ns(testStart - 20*nsPerSecond))},
			},
		},
		{
			name: "a container outside any pod",
			setup: func(t testing.TB, f *fixture) {
				inNginx(t, f)
				f.s.containers[testContainer].PodName = ""
			},
			cases: []fieldCase{{"k8s.pod.name", nil}, {"k8s.ns.name", nil}, {"k8s.pod.ip", nil}},
		},
	}
}

// TestGlobMatch checks the fnmatch-like matching of mount arguments.
func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"/var/run/docker.sock", "/var/run/docker.sock", true},
		{"/var/run/*", "/var/run/docker.sock", true},
		{"/var/*", "/var/run/docker.sock", true}, // * crosses slashes, as fnmatch without flags
		{"*.sock", "/var/run/docker.sock", true},
		{"/var/run/?ocker.sock", "/var/run/docker.sock", true},
		{"/var/run/[abcd]ocker.sock", "/var/run/docker.sock", true},
		{"/var/run/[!d]ocker.sock", "/var/run/docker.sock", false},
		{"/var/run/[a-c]ocker.sock", "/var/run/docker.sock", false},
		{"/var/run/\\*", "/var/run/*", true},
		{"/var/run/\\*", "/var/run/x", false},
		{"/data", "/data2", false},
		{"/da[", "/da[", true},
		{"", "", true},
		{"*", "", true},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}
