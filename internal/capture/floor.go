package capture

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/rlimit"
)

// Floor is the measuring floor of live capture: BPF programs on the
// sys_enter and sys_exit tracepoints that only count system calls, per
// CPU. Benchmarks run a workload under it to tell what any tracepoint
// capture costs from what this package adds (bench/overhead.sh).
type Floor struct {
	objs  countObjects
	links []link.Link
}

// OpenFloor loads and attaches the counting programs.
func OpenFloor() (*Floor, error) {
	if err := rlimit.RemoveMemlock(); err != nil {
		return nil, fmt.Errorf("open floor: raise RLIMIT_MEMLOCK: %w", err)
	}
	f := &Floor{}
	if err := loadCountObjects(&f.objs, nil); err != nil {
		return nil, fmt.Errorf("open floor: load: %w", err)
	}
	for _, p := range []*ebpf.Program{f.objs.CountEnter, f.objs.CountExit} {
		l, err := link.AttachTracing(link.TracingOptions{Program: p})
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("open floor: attach %s: %w", p, err)
		}
		f.links = append(f.links, l)
	}
	return f, nil
}

// Counts returns the system call entries and exits counted so far.
func (f *Floor) Counts() (enter, exit uint64, err error) {
	for key, dst := range []*uint64{&enter, &exit} {
		var per []uint64
		if err := f.objs.Calls.Lookup(uint32(key), &per); err != nil {
			return 0, 0, fmt.Errorf("read floor counts: %w", err)
		}
		for _, n := range per {
			*dst += n
		}
	}
	return enter, exit, nil
}

// Close detaches and unloads the programs.
func (f *Floor) Close() error {
	var errs []error
	for _, l := range f.links {
		errs = append(errs, l.Close())
	}
	f.links = nil
	errs = append(errs, f.objs.Close())
	return errors.Join(errs...)
}
