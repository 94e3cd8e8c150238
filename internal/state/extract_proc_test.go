package state

import (
	"strconv"
	"testing"
)

func ns(n uint64) string { return strconv.FormatUint(n, 10) }

func procScenarios() []scenario {
	curlOpen := func(t testing.TB, f *fixture) {
		f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
	}
	return []scenario{
		{
			name:  "curl's own process fields",
			setup: curlOpen,
			cases: []fieldCase{
				{"proc.name", v("curl")},
				{"proc.exe", v("curl")},
				{"proc.exepath", v("/usr/bin/curl")},
				{"proc.cwd", v("/home/ubuntu")},
				{"proc.args", v("-6 http://www.google.com")},
				{"proc.args[0]", v("-6")},
				{"proc.args[1]", v("http://www.google.com")},
				{"proc.args[2]", nil},
				{"proc.cmdline", v("curl -6 http://www.google.com")},
				{"proc.exeline", v("curl -6 http://www.google.com")},
				{"proc.cmdnargs", v("2")},
				{"proc.cmdlenargs", v("23")},
				{"proc.env", v("HOME=/home/ubuntu TERM=xterm")},
				{"proc.env[TERM]", v("xterm")},
				{"proc.env[NOPE]", v("")},
				{"proc.tty", v("34817")},
				{"proc.pid", v("17497")},
				{"proc.vpid", v("17497")},
				{"proc.sid", v("3200")},
				{"proc.vpgid", v("17497")},
				{"proc.pgid", v("17497")},
				{"proc.is_sid_leader", v("false")},
				{"proc.is_vpgid_leader", v("true")},
				{"proc.is_pgid_leader", v("true")},
				{"proc.is_exe_writable", v("true")},
				{"proc.is_exe_upper_layer", v("true")},
				{"proc.is_exe_lower_layer", v("false")},
				{"proc.is_exe_from_memfd", v("false")},
				{"proc.exe_ino", v("4242")},
				{"proc.exe_ino.ctime", v(ns(testStart - 30*nsPerSecond))},
				{"proc.exe_ino.mtime", v(ns(testStart - 40*nsPerSecond))},
				{"proc.exe_ino.ctime_duration_proc_start", v(ns(31 * nsPerSecond))},
				{"proc.exe_ino.ctime_duration_pidns_start", v(ns(70 * nsPerSecond))},
				{"proc.pidns_init_start_ts", v(ns(testStart - 100*nsPerSecond))},
				{"proc.pid.ts", v(ns(testStart + nsPerSecond))},
				{"proc.duration", v(ns(testTS - testStart - nsPerSecond))},
				{"proc.fdopencount", v("9")},
				{"proc.fdlimit", v("1024")},
				{"proc.fdusage", v("0.87890625")},
				{"proc.vmsize", v("508")},
				{"proc.vmrss", v("4")},
				{"proc.vmswap", v("1")},
				{"proc.stdin.type", v("file")},
				{"proc.stdout.type", v("pipe")},
				{"proc.stderr.type", v("file")},
				{"proc.stdin.name", v("/dev/pts/1")},
				{"proc.stdout.name", v("pipe:[4242]")},
				{"proc.stderr.name", v("/dev/pts/1")},
			},
		},
		{
			name: "a process without arguments, files or known ids",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 800, -1, openParams(3, "/etc/ssh/sshd_config", 1, 0))
				f.s.threads[800].Args = nil
			},
			cases: []fieldCase{
				{"proc.exeline", v("/usr/sbin/sshd ")},
				{"proc.args", v("")},
				{"proc.cmdline", v("sshd")},
				{"proc.vpid", nil},
				{"proc.is_sid_leader", v("true")},
				{"proc.exe_ino", nil},
				{"proc.pid.ts", v(ns(testStart - 50*nsPerSecond))},
				{"proc.stdin.type", nil},
				{"proc.fdopencount", v("0")},
				{"proc.fdusage", v("0")},
				{"proc.env", v("")},
			},
		},
		{
			name: "processes known from the capture's process list: no start time",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
				f.s.threads[17497].Flags |= FromProcList
				f.s.threads[3200].Flags |= FromProcList
			},
			cases: []fieldCase{
				{"proc.duration", nil},
				{"proc.pid.ts", nil},
				{"proc.ppid.ts", nil},
				{"proc.ppid.duration", nil},
				{"proc.exe_ino.ctime_duration_proc_start", nil},
				{"proc.exe_ino.ctime_duration_pidns_start", v(ns(70 * nsPerSecond))},
			},
		},
		{
			name: "a process that started after the event (out of order)",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
				f.s.threads[17497].CloneTS = testTS + 1
			},
			cases: []fieldCase{{"proc.duration", nil}},
		},
	}
}

func lineageScenarios() []scenario {
	curlOpen := func(t testing.TB, f *fixture) {
		f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
	}
	bashEnv := "HOME=/home/ubuntu SHELL=/bin/bash LANG=C"
	return []scenario{
		{
			name:  "curl's parent and ancestors",
			setup: curlOpen,
			cases: []fieldCase{
				{"proc.ppid", v("3200")},
				{"proc.pname", v("bash")},
				{"proc.pexe", v("-bash")},
				{"proc.pexepath", v("/usr/bin/bash")},
				{"proc.pvpid", v("3200")},
				{"proc.ppid.ts", v(ns(testStart - 10*nsPerSecond))},
				{"proc.ppid.duration", v(ns(testTS - testStart + 10*nsPerSecond))},
				{"proc.pcmdline", v("bash")},
				{"proc.aname[0]", v("curl")},
				{"proc.aname[1]", v("bash")},
				{"proc.aname[2]", v("sshd")},
				{"proc.aname[3]", v("systemd")},
				{"proc.aname[4]", nil},
				{"proc.aname", v("bash", "sshd", "systemd")},
				{"proc.aexe", v("-bash", "/usr/sbin/sshd", "/sbin/init")},
				{"proc.aexe[2]", v("/usr/sbin/sshd")},
				{"proc.aexepath", v("/usr/bin/bash", "/usr/sbin/sshd", "/usr/lib/systemd/systemd")},
				{"proc.aexepath[1]", v("/usr/bin/bash")},
				{"proc.apid", v("3200", "800", "1")},
				{"proc.apid[2]", v("800")},
				{"proc.apid[0]", v("17497")},
				{"proc.acmdline", v("bash", "sshd -D", "systemd")},
				{"proc.acmdline[2]", v("sshd -D")},
				{"proc.aargs[2]", v("-D")},
				{"proc.aargs", v("", "-D", "")},
				{"proc.aenv[1]", v(bashEnv)},
				{"proc.aenv[0]", v("HOME=/home/ubuntu TERM=xterm")},
				{"proc.aenv[SHELL]", v("/bin/bash")},
				{"proc.aenv[NOPE]", v("")},
				{"proc.aenv", v(bashEnv, "", "")},
				{"proc.loginshellid", v("3200")},
				{"proc.sname", v("bash")},
				{"proc.sid.exe", v("-bash")},
				{"proc.sid.exepath", v("/usr/bin/bash")},
				{"proc.vpgid.name", v("curl")},
				{"proc.vpgid.exe", v("curl")},
				{"proc.vpgid.exepath", v("/usr/bin/curl")},
				{"proc.pgid.name", v("curl")},
				{"proc.pgid.exe", v("curl")},
				{"proc.pgid.exepath", v("/usr/bin/curl")},
				{"proc.nthreads", v("2")},
				{"proc.nchilds", v("1")},
			},
		},
		{
			name: "ancestors seen from a secondary thread",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17498, 4, ioParams(1, "x", 4))
			},
			cases: []fieldCase{
				{"proc.ppid", v("3200")},
				{"proc.pname", v("curl")}, // the thread's own parent link, as libsinsp reads it
				{"proc.aname[0]", v("curl")},
				{"proc.aname[1]", v("bash")},
				{"proc.env", v("HOME=/home/ubuntu TERM=xterm")},
				{"proc.nchilds", v("1")},
			},
		},
		{
			name: "a session leader that exited: the eldest ancestor in the session",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
				f.s.threads[17497].SID = 3100
				f.s.threads[3200].SID = 3100
			},
			cases: []fieldCase{
				{"proc.sname", v("bash")},
				{"proc.sid.exepath", v("/usr/bin/bash")},
			},
		},
		{
			name: "unknown session id",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
				f.s.threads[17497].SID = -1
			},
			cases: []fieldCase{
				{"proc.sid", v("-1")},
				{"proc.sname", nil},
				{"proc.is_sid_leader", nil},
			},
		},
		{
			name: "a process in a pid namespace: leaders by lineage",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 5000, -1, openParams(3, "/etc/nginx.conf", 1, 0))
			},
			cases: []fieldCase{
				{"proc.sname", v("nginx")},
				{"proc.vpgid.name", v("nginx")},
				{"proc.is_sid_leader", v("true")},
				{"proc.aname", v("containerd-shim", "systemd")},
				{"proc.loginshellid", nil},
				{"proc.pcmdline", v("containerd-shim")},
			},
		},
		{
			name: "a loop in the parent links ends the walk",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
				f.s.threads[800].PTID = 3200 // bash -> sshd -> bash ...
			},
			cases: []fieldCase{
				// The two-speed walk stops as soon as the loop shows,
				// before sshd, as libsinsp's does.
				{"proc.aname", v("bash")},
				{"proc.loginshellid", v("3200")},
			},
		},
		{
			name: "a thread whose parent is itself",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
				f.s.threads[3200].PTID = 3200
			},
			cases: []fieldCase{{"proc.aname", v("bash")}},
		},
		{
			name: "an orphan whose parent is unknown",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
				delete(f.s.threads, 3200)
			},
			cases: []fieldCase{
				{"proc.pname", nil},
				{"proc.pcmdline", nil},
				{"proc.ppid", v("3200")},
				{"proc.aname", nil},
				{"proc.aname[1]", nil},
				{"proc.ppid.duration", nil},
				{"proc.sname", v("curl")},
			},
		},
		{
			name: "a secondary thread whose main thread is gone",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17498, 4, ioParams(1, "x", 4))
				delete(f.s.threads, 17497)
			},
			cases: []fieldCase{
				{"proc.ppid", nil},
				{"proc.aname[0]", nil},
				{"proc.aname", nil},
				{"proc.name", v("curl")},
				{"proc.nchilds", v("2")},
			},
		},
	}
}

func threadScenarios() []scenario {
	return []scenario{
		{
			name: "main thread",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
			},
			cases: []fieldCase{
				{"thread.tid", v("17497")},
				{"thread.ismain", v("true")},
				{"thread.vtid", v("17497")},
				{"thread.nametid", v("curl17497")},
				{"thread.pfmajor", v("3")},
				{"thread.pfminor", v("34")},
				{"thread.vmsize", v("508")},
				{"thread.vmrss", v("4")},
				{"thread.vmsize.b", v("520192")},
				{"thread.vmrss.b", v("4096")},
				{"thread.cgroups", v("cpu=/user.slice memory=/user.slice/user-1000.slice")},
				{"thread.cgroup.memory", v("/user.slice/user-1000.slice")},
				{"thread.cgroup.cpu", v("/user.slice")},
				{"thread.cgroup.blkio", nil},
				{"thread.cap_permitted", v("CAP_CHOWN CAP_SYS_ADMIN")},
				{"thread.cap_effective", v("CAP_SYS_ADMIN")},
				{"thread.cap_inheritable", v("")},
				{"thread.exectime", v("0")},
			},
		},
		{
			name: "secondary thread",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17498, 4, ioParams(1, "x", 4))
			},
			cases: []fieldCase{
				{"thread.tid", v("17498")},
				{"thread.ismain", v("false")},
				{"thread.vmsize", v("0")},
				{"thread.vmsize.b", v("0")},
				{"proc.vmsize", v("508")},
				{"thread.cgroups", nil},
			},
		},
	}
}
