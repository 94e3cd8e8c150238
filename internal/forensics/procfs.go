package forensics

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
)

// procCopies are the files of /proc/<pid> copied byte for byte for each
// process, most volatile first; the net files show the sockets of the
// process's network namespace (the container's).
var procCopies = []string{
	"cmdline", "environ", "status", "stat", "maps", "cgroup", "mountinfo", "limits",
	"net/tcp", "net/tcp6", "net/udp", "net/udp6", "net/unix",
}

// procLinks are the symbolic links of /proc/<pid> whose targets are
// recorded in links.json.
var procLinks = []string{
	"exe", "cwd", "root",
	"ns/cgroup", "ns/ipc", "ns/mnt", "ns/net", "ns/pid", "ns/user", "ns/uts",
}

// FDEntry is one open file descriptor of a process and what it refers to
// ("/tmp/x (deleted)", "socket:[1234]", "pipe:[99]", ...).
type FDEntry struct {
	FD     int    `json:"fd"`
	Target string `json:"target"`
}

// collectProcess copies what the host's /proc (at procRoot) shows of
// process pid into the bundle folder dir: the files of [procCopies], the
// targets of [procLinks] and of every open descriptor, and the bytes of
// the program it runs, read through /proc/<pid>/exe so that a program
// deleted from disk is recovered. Nothing runs in the process's
// namespaces. Each artifact that cannot be read is recorded as failed and
// returned among the errors; the others are still collected.
func collectProcess(b *Bundle, procRoot string, pid int, dir string) []error {
	base := path.Join(procRoot, strconv.Itoa(pid))
	var errs []error
	keep := func(_ Artifact, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	keep(b.Write(dir+"/exe", base+"/exe", func(w io.Writer) error { return copyFile(w, base+"/exe") }))
	for _, name := range procCopies {
		keep(b.Write(dir+"/"+name, base+"/"+name, func(w io.Writer) error { return copyFile(w, base+"/"+name) }))
	}
	fds, err := readFDs(base + "/fd")
	if err != nil {
		b.custody.Record("error", "%v", err)
		errs = append(errs, err)
	} else {
		keep(b.WriteJSON(dir+"/fds.json", "readlink "+base+"/fd/*", fds))
	}
	links := map[string]string{}
	for _, l := range procLinks {
		target, err := os.Readlink(base + "/" + l)
		if err != nil {
			target = "error: " + err.Error()
		}
		links[l] = target
	}
	keep(b.WriteJSON(dir+"/links.json", "readlink "+base+"/{exe,cwd,root,ns/*}", links))
	return errs
}

// copyFile streams the file at p into w.
func copyFile(w io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	return nil
}

// readFDs lists the descriptors in the fd directory of a process with
// their link targets, sorted by number. A descriptor closed while the
// list is read is left out.
func readFDs(fdDir string) ([]FDEntry, error) {
	entries, err := os.ReadDir(fdDir)
	if err != nil {
		return nil, fmt.Errorf("list descriptors: %w", err)
	}
	out := make([]FDEntry, 0, len(entries))
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		target, err := os.Readlink(path.Join(fdDir, e.Name()))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			target = "error: " + err.Error()
		}
		out = append(out, FDEntry{FD: n, Target: target})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FD < out[j].FD })
	return out, nil
}
