package capture

import (
	"bytes"
	"errors"
	"strconv"
)

// Parsers of the /proc files a scan reads. They take the bytes of one file
// and check what they take from it: a malformed file gives an error, never
// a made-up value.

// errMalformed reports a /proc file whose content a parser does not accept.
var errMalformed = errors.New("malformed")

// maxStartTicks bounds a start time (in clock ticks after boot): past
// about 350 years of uptime it is garbage, and would overflow in ns.
const maxStartTicks = 1 << 40

// pfKthread is the PF_KTHREAD bit of the flags field of /proc/<pid>/stat.
const pfKthread = 0x00200000

// statInfo is what a scan takes from /proc/<pid>/stat.
type statInfo struct {
	pid       int64
	comm      string
	state     byte
	pgrp      int64
	session   int64
	ttyNr     uint32
	flags     uint64
	minflt    uint64
	majflt    uint64
	startTime uint64 // clock ticks after boot
}

// parseStat parses /proc/<pid>/stat. The command name sits between the
// first "(" and the last ")", since it may itself hold parentheses and
// spaces; the fields after it are numbered from 3 as in proc(5).
func parseStat(b []byte) (statInfo, error) {
	var s statInfo
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 1 || end < open {
		return s, errMalformed
	}
	pid, err := strconv.ParseInt(string(bytes.TrimSpace(b[:open])), 10, 32)
	if err != nil || pid <= 0 {
		return s, errMalformed
	}
	s.pid, s.comm = pid, string(b[open+1:end])
	var f [20][]byte // fields 3 to 22
	n := 0
	for _, w := range bytes.Fields(b[end+1:]) {
		if n == len(f) {
			break
		}
		f[n] = w
		n++
	}
	if n < len(f) || len(f[0]) != 1 {
		return s, errMalformed
	}
	s.state = f[0][0]
	ints := [...]struct {
		field int
		dst   *int64
	}{{5, &s.pgrp}, {6, &s.session}}
	for _, x := range ints {
		if *x.dst, err = strconv.ParseInt(string(f[x.field-3]), 10, 64); err != nil {
			return s, errMalformed
		}
	}
	tty, err := strconv.ParseInt(string(f[7-3]), 10, 64)
	if err != nil {
		return s, errMalformed
	}
	s.ttyNr = uint32(tty) // the kernel prints a u32 through "%d"
	uints := [...]struct {
		field int
		dst   *uint64
	}{{9, &s.flags}, {10, &s.minflt}, {12, &s.majflt}, {22, &s.startTime}}
	for _, x := range uints {
		if *x.dst, err = strconv.ParseUint(string(f[x.field-3]), 10, 64); err != nil {
			return s, errMalformed
		}
	}
	if s.startTime > maxStartTicks {
		return s, errMalformed
	}
	return s, nil
}

// statusInfo is what a scan takes from /proc/<pid>/status.
type statusInfo struct {
	tgid, ppid int64
	uid, gid   uint32 // effective ids, which libs keeps
	// The NS* lines list an id in each pid namespace from the outermost
	// to the thread's own; first and last hold those two ends (equal for
	// a thread of the initial namespace). n* is 0 when the line is absent.
	nsTgidLast, nsPidLast       int64
	nsPgidFirst, nsPgidLast     int64
	nNSTgid, nNSPid, nNSPgid    int
	vmSize, vmRSS, vmSwap       uint32 // kB
	capInh, capPrm, capEff      uint64
	groups                      []uint32 // supplementary groups
	haveTgid, havePPid, haveUID bool
	haveGID                     bool
	kthread                     bool // "Kthread: 1" (kernels 6.x)
}

// parseStatus parses /proc/<pid>/status. Tgid, PPid, Uid and Gid must be
// present; the other lines are optional, as on older kernels.
func parseStatus(b []byte) (statusInfo, error) {
	var s statusInfo
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		if err := s.line(string(line[:colon]), line[colon+1:]); err != nil {
			return s, err
		}
	}
	if !s.haveTgid || !s.havePPid || !s.haveUID || !s.haveGID {
		return s, errMalformed
	}
	return s, nil
}

// line takes one "Key:\tvalue" line of a status file.
func (s *statusInfo) line(key string, val []byte) error {
	var err error
	switch key {
	case "Tgid":
		s.tgid, err = parseDec(val)
		s.haveTgid = true
	case "PPid":
		s.ppid, err = parseDec(val)
		s.havePPid = true
	case "Uid":
		s.uid, err = secondID(val)
		s.haveUID = true
	case "Gid":
		s.gid, err = secondID(val)
		s.haveGID = true
	case "Groups":
		for _, w := range bytes.Fields(val) {
			g, e := strconv.ParseUint(string(w), 10, 32)
			if e != nil {
				return errMalformed
			}
			s.groups = append(s.groups, uint32(g))
		}
	case "NStgid":
		_, s.nsTgidLast, s.nNSTgid, err = idChain(val)
	case "NSpid":
		_, s.nsPidLast, s.nNSPid, err = idChain(val)
	case "NSpgid":
		s.nsPgidFirst, s.nsPgidLast, s.nNSPgid, err = idChain(val)
	case "VmSize":
		s.vmSize, err = parseKB(val)
	case "VmRSS":
		s.vmRSS, err = parseKB(val)
	case "VmSwap":
		s.vmSwap, err = parseKB(val)
	case "CapInh":
		s.capInh, err = parseHex(val)
	case "CapPrm":
		s.capPrm, err = parseHex(val)
	case "CapEff":
		s.capEff, err = parseHex(val)
	case "Kthread":
		s.kthread = string(bytes.TrimSpace(val)) == "1"
	}
	return err
}

// parseDec parses a non-negative decimal id.
func parseDec(b []byte) (int64, error) {
	v, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || v < 0 {
		return 0, errMalformed
	}
	return v, nil
}

// secondID takes the effective id of a "real effective saved fs" list.
func secondID(b []byte) (uint32, error) {
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0, errMalformed
	}
	v, err := strconv.ParseUint(string(f[1]), 10, 32)
	if err != nil {
		return 0, errMalformed
	}
	return uint32(v), nil
}

// idChain parses an NS* line: ids from the outermost namespace inwards.
func idChain(b []byte) (first, last int64, n int, err error) {
	for _, w := range bytes.Fields(b) {
		v, e := strconv.ParseInt(string(w), 10, 64)
		if e != nil || v < 0 {
			return 0, 0, 0, errMalformed
		}
		if n == 0 {
			first = v
		}
		last = v
		n++
	}
	if n == 0 {
		return 0, 0, 0, errMalformed
	}
	return first, last, n, nil
}

// parseKB parses "  1234 kB"; values beyond 32 bits saturate, as they
// cannot be stored otherwise.
func parseKB(b []byte) (uint32, error) {
	f := bytes.Fields(b)
	if len(f) == 0 {
		return 0, errMalformed
	}
	v, err := strconv.ParseUint(string(f[0]), 10, 64)
	if err != nil {
		return 0, errMalformed
	}
	return uint32(min(v, 1<<32-1)), nil
}

// parseHex parses a capability mask.
func parseHex(b []byte) (uint64, error) {
	v, err := strconv.ParseUint(string(bytes.TrimSpace(b)), 16, 64)
	if err != nil {
		return 0, errMalformed
	}
	return v, nil
}

// parseFDLimit takes the soft "Max open files" limit of
// /proc/<pid>/limits; "unlimited" gives -1 (RLIM_INFINITY as libs stores
// it). The second result is false when the line is absent or malformed.
func parseFDLimit(b []byte) (int64, bool) {
	const key = "Max open files"
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, false
	}
	rest := b[i+len(key):]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	f := bytes.Fields(rest)
	if len(f) == 0 {
		return 0, false
	}
	if string(f[0]) == "unlimited" {
		return -1, true
	}
	v, err := strconv.ParseInt(string(f[0]), 10, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	return v, true
}

// splitCmdline splits /proc/<pid>/cmdline as libs does: exe is up to the
// first NUL, args the rest with its last byte made a NUL terminator. A
// command line without a NUL (a process that rewrote it) is all exe.
func splitCmdline(b []byte) (exe, args string) {
	if len(b) == 0 {
		return "", ""
	}
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return string(b), ""
	}
	exe = string(b[:i])
	rest := b[i+1:]
	if len(rest) == 0 {
		return exe, ""
	}
	return exe, string(rest[:len(rest)-1]) + "\x00"
}

// nulTerminated returns an environment block as libs stores it: its last
// byte made a NUL terminator.
func nulTerminated(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return string(b[:len(b)-1]) + "\x00"
}

// parseLoginUID parses /proc/<pid>/loginuid ("4294967295" when unset).
func parseLoginUID(b []byte) (uint32, bool) {
	v, err := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 32)
	return uint32(v), err == nil
}

// truncate cuts s to at most n bytes, as libs' fixed buffers do.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
