package output

import (
	"context"
	"errors"
	"fmt"
	"os"

	"peregrine/internal/alert"
)

// FileOptions configure a [File] sink (Falco's file_output).
type FileOptions struct {
	Name string // default "file"
	// Path is the file the alerts are appended to; it is created with
	// mode 0600 when missing.
	Path   string
	Format Format
	// KeepAlive keeps the file open between alerts (Falco's keep_alive);
	// otherwise it is opened, written and closed for each alert, which
	// follows a rotation without Reopen.
	KeepAlive bool
	// Buffered (buffered_outputs), with KeepAlive, lets lines wait in a
	// buffer until it fills or the queue runs empty.
	Buffered bool
}

// File appends one line per alert to a file. [File.Reopen] closes it, so
// that the next alert opens the file at Path anew: the new file after
// logrotate renamed the old one.
type File struct {
	name     string
	path     string
	fm       *formatter
	keep     bool
	buffered bool
	f        *os.File // open file when keep
	buf      *lineBuffer
	line     []byte
}

// fileFlags open the file for appending, creating it when missing.
const fileFlags = os.O_WRONLY | os.O_APPEND | os.O_CREATE

// NewFile returns a [File] sink. It opens the file once (and keeps it
// open with KeepAlive), so that a path that cannot be written is an error
// now rather than a failed alert later.
func NewFile(o FileOptions) (*File, error) {
	if o.Name == "" {
		o.Name = "file"
	}
	if o.Path == "" {
		return nil, errors.New("file output: no filename")
	}
	s := &File{name: o.Name, path: o.Path, fm: newFormatter(o.Format), keep: o.KeepAlive, buffered: o.Buffered && o.KeepAlive}
	f, err := os.OpenFile(o.Path, fileFlags, 0o600)
	if err != nil {
		return nil, fmt.Errorf("file output: %w", err)
	}
	if s.keep {
		s.f = f
		s.buf = newLineBuffer(f, s.buffered)
	} else if err := f.Close(); err != nil {
		return nil, fmt.Errorf("file output: %w", err)
	}
	return s, nil
}

// Name implements [Sink].
func (s *File) Name() string { return s.name }

// Write implements [Sink]. A kept-open FIFO or pipe gives up when ctx is
// cancelled.
func (s *File) Write(ctx context.Context, a *alert.Alert) error {
	s.line = append(s.fm.appendLine(s.line[:0], a), '\n')
	if !s.keep {
		f, err := os.OpenFile(s.path, fileFlags, 0o600)
		if err != nil {
			return fmt.Errorf("file output: %w", err)
		}
		_, err = f.Write(s.line)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("file output: %w", err)
		}
		return nil
	}
	if s.f == nil {
		f, err := os.OpenFile(s.path, fileFlags, 0o600)
		if err != nil {
			return fmt.Errorf("file output: %w", err)
		}
		s.f = f
		s.buf.reset(f)
	}
	stop := interruptWrites(ctx, s.f)
	defer stop()
	if err := s.buf.write(s.line); err != nil {
		return fmt.Errorf("file output: %w", err)
	}
	return nil
}

// Flush implements [Flusher].
func (s *File) Flush() error {
	if s.buf == nil {
		return nil
	}
	if err := s.buf.flush(); err != nil {
		return fmt.Errorf("file output: %w", err)
	}
	return nil
}

// Reopen implements [Reopener]: it flushes and closes the file; the next
// alert opens Path again.
func (s *File) Reopen() error { return s.Close() }

// Close implements [Sink].
func (s *File) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.Flush()
	if cerr := s.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("file output: %w", cerr)
	}
	s.f = nil
	return err
}
