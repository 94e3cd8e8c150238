package output

import (
	"context"
	"io"
	"os"
	"time"

	"peregrine/internal/alert"
)

// StdoutOptions configure a [Stdout] sink (Falco's stdout_output).
type StdoutOptions struct {
	Name   string    // default "stdout"
	W      io.Writer // default os.Stdout
	Format Format
	// Buffered is Falco's buffered_outputs: the lines wait in a buffer
	// until it fills or the sink's queue runs empty, instead of one write
	// per alert. Either way no alert waits in the buffer while the sink
	// is idle.
	Buffered bool
}

// Stdout writes one line per alert to a writer (standard output by
// default).
type Stdout struct {
	name string
	w    io.Writer
	buf  *lineBuffer
	fm   *formatter
	line []byte
}

// NewStdout returns a [Stdout] sink.
func NewStdout(o StdoutOptions) *Stdout {
	if o.Name == "" {
		o.Name = "stdout"
	}
	if o.W == nil {
		o.W = os.Stdout
	}
	return &Stdout{name: o.Name, w: o.W, buf: newLineBuffer(o.W, o.Buffered), fm: newFormatter(o.Format)}
}

// Name implements [Sink].
func (s *Stdout) Name() string { return s.name }

// Write implements [Sink]. A writer with write deadlines (a pipe, a
// socket) gives up when ctx is cancelled.
func (s *Stdout) Write(ctx context.Context, a *alert.Alert) error {
	s.line = append(s.fm.appendLine(s.line[:0], a), '\n')
	stop := interruptWrites(ctx, s.w)
	defer stop()
	return s.buf.write(s.line)
}

// Flush implements [Flusher].
func (s *Stdout) Flush() error { return s.buf.flush() }

// Close implements [Sink]: it flushes. The writer is not closed.
func (s *Stdout) Close() error { return s.buf.flush() }

// deadliner is a writer whose writes can be given a deadline.
type deadliner interface {
	SetWriteDeadline(time.Time) error
}

// interruptWrites makes the writes of w fail once ctx is cancelled, when
// w supports write deadlines; stop undoes it.
func interruptWrites(ctx context.Context, w io.Writer) (stop func()) {
	d, ok := w.(deadliner)
	if !ok || ctx.Done() == nil {
		return func() {}
	}
	unregister := context.AfterFunc(ctx, func() { d.SetWriteDeadline(time.Unix(1, 0)) })
	return func() {
		if !unregister() {
			d.SetWriteDeadline(time.Time{})
		}
	}
}
