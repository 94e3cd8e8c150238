package capture

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Now returns the present time on the clock that stamps the capture's
// events: the boot clock plus the boot epoch the kernel side adds to it,
// in ns since the epoch. The kernel side stamps an event after it has
// consulted the filter, so every event stamped at or after a time Now
// returned after SetTypes was let through (or not) by the new filter.
// A rules reload uses it to switch rules at the first event the widened
// filter has seen.
func (c *Capture) Now() (uint64, error) {
	c.typesMu.Lock()
	defer c.typesMu.Unlock()
	if c.closed.Load() {
		return 0, errors.New("read capture clock: capture closed")
	}
	cfg, err := c.config()
	if err != nil {
		return 0, fmt.Errorf("read capture clock: %w", err)
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0, fmt.Errorf("read capture clock: boot clock: %w", err)
	}
	return cfg.BootNs + uint64(ts.Nano()), nil
}
