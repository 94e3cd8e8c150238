package compute

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat:
// 100 on every Linux architecture Go supports (the kernel converts its
// own HZ to it for user space).
const clockTicks = 100

// procKey names one process over its life: a pid is reused, the pair of
// the pid and the start time (in clock ticks since boot) is not.
type procKey struct {
	pid   int
	start uint64
}

// procStat is what one read of /proc/<pid>/stat gives.
type procStat struct {
	comm  []byte // the name, aliasing the read buffer
	ticks uint64 // utime + stime, clock ticks, all threads
	start uint64 // start time, clock ticks since boot
}

// errStat is returned for a /proc/<pid>/stat that does not parse.
var errStat = errors.New("malformed /proc/<pid>/stat")

// parseStat reads the fields it needs from the content of
// /proc/<pid>/stat. The name sits between the first '(' and the last ')'
// (it may hold spaces and parentheses itself); the fields after it are
// numbered from 3 (state) in proc(5): utime is 14, stime 15, starttime
// 22.
func parseStat(data []byte) (procStat, error) {
	open := bytes.IndexByte(data, '(')
	end := bytes.LastIndexByte(data, ')')
	if open < 0 || end < open {
		return procStat{}, errStat
	}
	st := procStat{comm: data[open+1 : end]}
	rest := data[end+1:]
	var utime, stime uint64
	field := 2
	for len(rest) > 0 && field < 22 {
		rest = bytes.TrimLeft(rest, " ")
		word := rest
		if i := bytes.IndexByte(rest, ' '); i >= 0 {
			word, rest = rest[:i], rest[i:]
		} else {
			rest = nil
		}
		field++
		switch field {
		case 14, 15, 22:
			n, err := parseUint(word)
			if err != nil {
				return procStat{}, fmt.Errorf("%w: field %d: %w", errStat, field, err)
			}
			switch field {
			case 14:
				utime = n
			case 15:
				stime = n
			default:
				st.start = n
			}
		}
	}
	if field < 22 {
		return procStat{}, fmt.Errorf("%w: %d fields", errStat, field)
	}
	st.ticks = utime + stime
	return st, nil
}

// parseUint parses a decimal number without allocating.
func parseUint(b []byte) (uint64, error) {
	if len(b) == 0 || len(b) > 20 {
		return 0, fmt.Errorf("bad number %q", b)
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad number %q", b)
		}
		d := uint64(c - '0')
		if n > (1<<64-1-d)/10 {
			return 0, fmt.Errorf("number %q out of range", b)
		}
		n = n*10 + d
	}
	return n, nil
}

// listPids returns the pids of the processes in procDir (the numeric
// entries), appended to dst, in increasing order.
func listPids(procDir string, dst []int) ([]int, error) {
	f, err := os.Open(procDir)
	if err != nil {
		return dst, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return dst, fmt.Errorf("list %s: %w", procDir, err)
	}
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil && pid > 0 {
			dst = append(dst, pid)
		}
	}
	slices.Sort(dst) // reports come in pid order
	return dst, nil
}

// procDetails are what an event says of a process beyond its name: read
// only for the processes an event names.
type procDetails struct {
	exe     string
	cmdline string
}

// readDetails reads the executable path and the command line of pid.
// Either is empty when it cannot be read (a kernel thread, a process
// that has just ended, no permission).
func readDetails(procDir string, pid int) procDetails {
	var d procDetails
	dir := filepath.Join(procDir, strconv.Itoa(pid))
	if exe, err := os.Readlink(filepath.Join(dir, "exe")); err == nil {
		d.exe = exe
	}
	if data, err := os.ReadFile(filepath.Join(dir, "cmdline")); err == nil {
		data = bytes.TrimRight(data, "\x00")
		d.cmdline = string(bytes.ReplaceAll(data, []byte{0}, []byte{' '}))
	}
	return d
}
