package capture

import (
	"testing"
)

// FuzzProcParsers feeds the parsers of /proc files arbitrary bytes: they
// must reject or take them without panicking, and keep within libs'
// limits.
func FuzzProcParsers(f *testing.F) {
	f.Add([]byte("18496 (cat) R 18484 18484 16316 34816 -1 4194304 101 0 2 0 0 0 0 0 20 0 1 0 846377 3133440 410"))
	f.Add([]byte(sampleStatus))
	f.Add([]byte("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1582 1"))
	f.Add([]byte("0000000000000000: 00000002 00000000 00010000 0001 01 264223 /run/x.sock"))
	f.Add([]byte("27 1 254:0 / / rw,relatime shared:1 - overlay overlay rw,upperdir=/u\\040p,lowerdir=/l"))
	f.Add([]byte("12:cpu,cpuacct:/docker/abc\n0::/init.scope\n"))
	f.Add([]byte("sh\x00-c\x00echo\x00"))
	f.Add([]byte("Max open files            unlimited            unlimited            files     \n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if st, err := parseStat(b); err == nil && (st.pid <= 0 || st.startTime > maxStartTicks) {
			t.Errorf("parseStat took pid %d start %d", st.pid, st.startTime)
		}
		parseStatus(b)
		parseFDLimit(b)
		parseLoginUID(b)
		if exe, args := splitCmdline(b); len(exe)+len(args) > len(b)+1 {
			t.Errorf("splitCmdline grew %d bytes to %d", len(b), len(exe)+len(args))
		}
		line := string(b)
		tbl := socketTable{}
		tbl.addInet(line, false, 2)
		tbl.addInet(line, true, 2)
		tbl.addUnix(line)
		tbl.addNetlink(line)
		for _, fd := range tbl {
			if len(fd.Name) > pathMax {
				t.Errorf("unix path of %d bytes", len(fd.Name))
			}
		}
		parseMountLine(line)
		parsePasswdLine(line)
		parseGroupLine(line)
		w := &worker{sc: &scanner{cg: &cgroupV2{ctrl: map[string][]string{}}}}
		if cg := w.formatCgroups(b); len(cg) > cgroupsMax {
			t.Errorf("cgroups of %d bytes", len(cg))
		}
	})
}
