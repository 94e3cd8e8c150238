package output

import (
	"context"
	"fmt"

	"peregrine/internal/alert"
)

// Sink is one destination of alerts. [Outputs] calls its methods from the
// sink's own goroutine only, never two at a time, so a sink needs no
// locking of its own.
type Sink interface {
	// Name names the sink in statistics, logs and drop reports
	// ("stdout", "file", "syslog", "program", "http").
	Name() string
	// Write delivers one alert. An error means the alert is lost (it is
	// counted as failed); a sink that retries does so inside Write. Write
	// should return soon after ctx is cancelled (Close ran out of time).
	Write(ctx context.Context, a *alert.Alert) error
	// Close flushes and releases the sink. Write is not called after it.
	Close() error
}

// Flusher is a [Sink] that buffers. [Outputs] calls Flush whenever the
// sink's queue runs empty, and before Close.
type Flusher interface {
	// Flush writes what is buffered. When buffered alerts are lost, the
	// error wraps a [*LostError] that says how many.
	Flush() error
}

// Reopener is a [Sink] that can let go of its file, process or connection
// and take a new one on its next write: [Outputs.Reopen], on SIGUSR1, for
// logrotate.
type Reopener interface {
	Reopen() error
}

// LostError reports alerts that a sink had accepted (Write returned nil)
// and lost afterwards, such as a buffer whose flush failed. [Outputs]
// moves N alerts from Sent to Failed.
type LostError struct {
	N   int
	Err error
}

func (e *LostError) Error() string {
	return fmt.Sprintf("%d buffered alerts lost: %v", e.N, e.Err)
}

func (e *LostError) Unwrap() error { return e.Err }
