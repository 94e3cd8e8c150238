package capture

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"

	"peregrine/internal/event"
)

// maxHostname is the longest hostname the MI block holds with libs'
// terminating NUL.
const maxHostname = 127

// machine describes the machine as libs' scap_machine_info does: online
// CPUs, physical memory, the highest pid, the hostname, the boot time (the
// whole seconds of /proc/stat's btime) and the architecture and OS flags.
// Everything is read below the proc root, so that a fake tree describes a
// fake machine. What cannot be read stays 0 and is noted.
func (w *worker) machine() event.MachineInfo {
	m := event.MachineInfo{Flags: archFlag() | event.OSLinux}
	root := w.sc.opts.ProcRoot
	if err := scanLines(root+"/stat", func(line string) {
		switch {
		case strings.HasPrefix(line, "cpu") && len(line) > 3 && line[3] >= '0' && line[3] <= '9':
			m.NumCPUs++
		case strings.HasPrefix(line, "btime "):
			if v, err := strconv.ParseUint(strings.TrimSpace(line[6:]), 10, 64); err == nil {
				m.BootTime = v * 1e9
			}
		}
	}); err != nil {
		w.stats.note("machine: %v", err)
	}
	if err := scanLines(root+"/meminfo", func(line string) {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			if kb, err := parseKB([]byte(v)); err == nil {
				m.MemoryBytes = uint64(kb) * 1024
			}
		}
	}); err != nil {
		w.stats.note("machine: %v", err)
	}
	if b, err := w.r.read(root+"/sys/kernel/pid_max", textMax); err == nil {
		m.MaxPID, _ = strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	} else {
		w.stats.note("machine: %v", err)
	}
	if b, err := w.r.read(root+"/sys/kernel/hostname", textMax); err == nil {
		m.Hostname = string(bytes.TrimSpace(b))
	} else if h, err := os.Hostname(); err == nil {
		m.Hostname = h
	}
	m.Hostname = truncate(m.Hostname, maxHostname)
	return m
}

// archFlag is the architecture bits of [event.MachineInfo.Flags] for the
// architecture this program runs on.
func archFlag() uint64 {
	switch runtime.GOARCH {
	case "amd64":
		return event.ArchX64
	case "arm64":
		return event.ArchAArch64
	case "386":
		return event.ArchI386
	}
	return 0
}

// scanLines calls fn with each line of the file at path.
func scanLines(path string, fn func(string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		fn(sc.Text())
	}
	return sc.Err()
}
