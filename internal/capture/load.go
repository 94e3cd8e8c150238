package capture

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"
)

// Open loads the BPF programs, fills their tables, attaches them to the
// sys_exit and sched_process_exit tracepoints and starts capturing the
// types opts asks for. It needs root (CAP_BPF and CAP_PERFMON) and a
// kernel with BTF. Close releases everything.
func Open(opts Options) (*Capture, error) {
	if runtime.GOARCH != "amd64" {
		return nil, fmt.Errorf("open capture: system call tables exist for amd64 only, not %s", runtime.GOARCH)
	}
	if err := normalize(&opts); err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	tab, err := buildTables(opts.Generic)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	if err := rlimit.RemoveMemlock(); err != nil {
		return nil, fmt.Errorf("open capture: raise RLIMIT_MEMLOCK: %w", err)
	}
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, fmt.Errorf("open capture: count CPUs: %w", err)
	}
	spec, err := loadProbe()
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	spec.Maps[probeMapEvents].MaxEntries = uint32(opts.RingSize)
	spec.Maps[probeMapScratch].MaxEntries = uint32(ncpu)
	spec.Maps[probeMapTmp].MaxEntries = uint32(ncpu)
	c := &Capture{opts: opts, tab: tab, ncpu: ncpu}
	if err := spec.LoadAndAssign(&c.objs, nil); err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return nil, fmt.Errorf("open capture: load BPF programs: %+v", ve)
		}
		return nil, fmt.Errorf("open capture: load BPF programs: %w", err)
	}
	if err := c.fill(); err != nil {
		c.objs.Close()
		return nil, fmt.Errorf("open capture: %w", err)
	}
	if err := c.SetTypes(opts.Types); err != nil {
		c.objs.Close()
		return nil, fmt.Errorf("open capture: %w", err)
	}
	c.ring, err = newRing(c.objs.Events.FD(), opts.RingSize)
	if err != nil {
		c.objs.Close()
		return nil, fmt.Errorf("open capture: %w", err)
	}
	for _, p := range []*ebpf.Program{c.objs.SysExit, c.objs.SchedExit} {
		l, err := link.AttachTracing(link.TracingOptions{Program: p})
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("open capture: attach %s: %w", p, err)
		}
		c.links = append(c.links, l)
	}
	return c, nil
}

// normalize applies defaults and checks limits.
func normalize(o *Options) error {
	if o.RingSize == 0 {
		o.RingSize = DefaultRingSize
	}
	page := os.Getpagesize()
	if o.RingSize < page || o.RingSize&(o.RingSize-1) != 0 {
		return fmt.Errorf("ring size %d is not a power of two of at least %d", o.RingSize, page)
	}
	if o.Snaplen < 0 || o.Snaplen > MaxSnaplen {
		return fmt.Errorf("snaplen %d outside [0, %d]", o.Snaplen, MaxSnaplen)
	}
	if o.WakeupBatch <= 0 {
		o.WakeupBatch = DefaultWakeupBatch
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	return nil
}

// fill writes the encoding tables and the settings into the maps.
func (c *Capture) fill() error {
	for nr := range c.tab.specs {
		if c.tab.specs[nr].Type == 0 {
			continue
		}
		if err := c.objs.Sysspecs.Update(uint32(nr), &c.tab.specs[nr], ebpf.UpdateAny); err != nil {
			return fmt.Errorf("write spec of system call %d: %w", nr, err)
		}
	}
	for id := range c.tab.convs {
		if err := c.objs.Convs.Update(uint32(id), &c.tab.convs[id], ebpf.UpdateAny); err != nil {
			return fmt.Errorf("write conversion %d: %w", id, err)
		}
	}
	boot, err := bootEpoch()
	if err != nil {
		return err
	}
	cfg := probeConfig{BootNs: boot, Snaplen: uint32(c.opts.Snaplen), Batch: uint32(c.opts.WakeupBatch)}
	if err := c.objs.Settings.Update(uint32(0), &cfg, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	return nil
}

// bootEpoch returns the time of boot in ns since the epoch: the kernel
// side stamps events with the boot clock plus this.
func bootEpoch() (uint64, error) {
	var ts unix.Timespec
	before := time.Now()
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0, fmt.Errorf("read boot clock: %w", err)
	}
	return uint64(before.UnixNano() - ts.Nano()), nil
}
