package capture

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// mountEntry is one line of /proc/<pid>/mountinfo.
type mountEntry struct {
	id       uint64
	dev      uint32 // encoded as the kernel encodes st_dev (new_encode_dev)
	root     string // the directory of the file system mounted here
	point    string // mount point, relative to the process's root
	fstype   string
	readOnly bool
	upperDir string // overlay: the upperdir option (a path of the mounter)
}

// mountTable is the mounts of one mount namespace, in mountinfo order.
type mountTable []mountEntry

// maxMountLine bounds one mountinfo line (overlay options can be long).
const maxMountLine = 256 << 10

// readMounts parses a mountinfo file. Malformed lines are skipped.
func readMounts(path string) (mountTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var t mountTable
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), maxMountLine)
	for sc.Scan() {
		if m, ok := parseMountLine(sc.Text()); ok {
			t = append(t, m)
		}
	}
	return t, sc.Err()
}

// parseMountLine parses "id parent major:minor root point options
// [optional...] - fstype source superoptions".
func parseMountLine(line string) (mountEntry, bool) {
	f := strings.Fields(line)
	sep := -1
	for i := 6; i < len(f); i++ {
		if f[i] == "-" {
			sep = i
			break
		}
	}
	if sep < 0 || sep+3 > len(f) {
		return mountEntry{}, false
	}
	id, err := strconv.ParseUint(f[0], 10, 64)
	if err != nil {
		return mountEntry{}, false
	}
	major, minor, ok := strings.Cut(f[2], ":")
	maj, err1 := strconv.ParseUint(major, 10, 32)
	mnr, err2 := strconv.ParseUint(minor, 10, 32)
	if !ok || err1 != nil || err2 != nil {
		return mountEntry{}, false
	}
	m := mountEntry{
		id:     id,
		dev:    encodeDev(uint32(maj), uint32(mnr)),
		root:   unescapeMount(f[3]),
		point:  unescapeMount(f[4]),
		fstype: f[sep+1],
	}
	m.readOnly = hasOption(f[5], "ro")
	if sep+3 < len(f) {
		if m.readOnly = m.readOnly || hasOption(f[sep+3], "ro"); m.fstype == "overlay" {
			m.upperDir = optionValue(f[sep+3], "upperdir")
		}
	}
	return m, true
}

// encodeDev encodes a device number as the kernel's new_encode_dev does,
// which is how the drivers report devices in events.
func encodeDev(major, minor uint32) uint32 {
	return minor&0xff | major<<8 | (minor&^0xff)<<12
}

func hasOption(opts, name string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == name {
			return true
		}
	}
	return false
}

func optionValue(opts, name string) string {
	for o := range strings.SplitSeq(opts, ",") {
		if v, ok := strings.CutPrefix(o, name+"="); ok {
			return unescapeMount(v)
		}
	}
	return ""
}

// unescapeMount undoes the octal escapes (\040 for a space, ...) of
// mountinfo fields.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// find returns the mount that holds path (absolute, relative to the
// process's root): the one with the longest mount point above it, the
// last listed of those (it hides the ones below it). nil when none does.
func (t mountTable) find(path string) *mountEntry {
	var best *mountEntry
	for i := range t {
		m := &t[i]
		if !under(path, m.point) {
			continue
		}
		if best == nil || len(m.point) >= len(best.point) {
			best = m
		}
	}
	return best
}

// under reports whether path is dir or lies below it.
func under(path, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(path, "/")
	}
	return path == dir || strings.HasPrefix(path, dir) && path[len(dir)] == '/'
}
