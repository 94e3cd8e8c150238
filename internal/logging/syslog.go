package logging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
)

// facilityDaemon is the syslog facility of the agent's logs (system
// daemons).
const facilityDaemon = 3

// errClosed is returned by Handle once the syslog connection is closed.
var errClosed = errors.New("syslog connection closed")

// syslogWriter is the connection to the local syslog daemon. One message
// is one write: a datagram on a datagram socket (the usual /dev/log), a
// line on a stream socket.
type syslogWriter struct {
	path, tag string
	pid       int

	mu     sync.Mutex
	conn   net.Conn
	stream bool
	closed bool
	buf    bytes.Buffer // the body of the message being built
}

// dialSyslog connects to the daemon's socket at path.
func dialSyslog(path, tag string) (*syslogWriter, error) {
	w := &syslogWriter{path: path, tag: tag, pid: os.Getpid()}
	if err := w.dial(); err != nil {
		return nil, err
	}
	return w, nil
}

// dial (re)connects, trying a datagram socket, then a stream one.
func (w *syslogWriter) dial() error {
	c, err := net.Dial("unixgram", w.path)
	if err == nil {
		w.conn, w.stream = c, false
		return nil
	}
	c, err2 := net.Dial("unix", w.path)
	if err2 == nil {
		w.conn, w.stream = c, true
		return nil
	}
	return fmt.Errorf("connect to syslog at %s: %w", w.path, err)
}

// Close closes the connection; later messages are dropped.
func (w *syslogWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.conn == nil {
		return nil
	}
	err := w.conn.Close()
	w.conn = nil
	return err
}

// Write appends to the message body (the text handler writes there).
func (w *syslogWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

// send writes one message, reconnecting once if the daemon went away
// (a restarted daemon makes a new socket).
func (w *syslogWriter) send(msg []byte) error {
	if w.closed {
		return errClosed
	}
	if w.conn != nil {
		if err := w.write(msg); err == nil {
			return nil
		}
		w.conn.Close()
		w.conn = nil
	}
	if err := w.dial(); err != nil {
		return err
	}
	return w.write(msg)
}

// write sends msg on the current connection: as it is on a datagram
// socket, as a line on a stream socket.
func (w *syslogWriter) write(msg []byte) error {
	if w.stream {
		msg = append(msg[:len(msg):len(msg)], '\n')
	}
	_, err := w.conn.Write(msg)
	return err
}

// syslogHandler formats records as RFC 3164 messages for a local daemon:
// "<PRI>Mmm dd hh:mm:ss tag[pid]: message key=value ...", where PRI says
// the facility (daemon) and the severity (the record's level), and the
// attributes follow in log/slog's text format.
type syslogHandler struct {
	w     *syslogWriter
	level slog.Leveler
	attrs slog.Handler // text handler for the attributes, writing to w
}

func newSyslogHandler(w *syslogWriter, level slog.Leveler) *syslogHandler {
	drop := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 {
			switch a.Key {
			case slog.TimeKey, slog.LevelKey, slog.MessageKey:
				return slog.Attr{}
			}
		}
		return a
	}
	return &syslogHandler{
		w:     w,
		level: level,
		attrs: slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.Level(-1 << 10), ReplaceAttr: drop}),
	}
}

func (h *syslogHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *syslogHandler) Handle(ctx context.Context, r slog.Record) error {
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	if h.w.closed {
		return errClosed
	}
	h.w.buf.Reset()
	if err := h.attrs.Handle(ctx, r); err != nil {
		return err
	}
	attrs := bytes.TrimRight(h.w.buf.Bytes(), "\n")
	var msg []byte
	msg = fmt.Appendf(msg, "<%d>%s %s[%d]: ", facilityDaemon*8+severity(r.Level),
		r.Time.Format("Jan _2 15:04:05"), h.w.tag, h.w.pid)
	msg = append(msg, strings.ReplaceAll(r.Message, "\n", " ")...)
	if len(attrs) > 0 {
		msg = append(msg, ' ')
		msg = append(msg, attrs...)
	}
	return h.w.send(msg)
}

func (h *syslogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &syslogHandler{w: h.w, level: h.level, attrs: h.attrs.WithAttrs(attrs)}
}

func (h *syslogHandler) WithGroup(name string) slog.Handler {
	return &syslogHandler{w: h.w, level: h.level, attrs: h.attrs.WithGroup(name)}
}

// severity is the syslog severity (0 emergency ... 7 debug) of a level.
func severity(l slog.Level) int {
	for i, n := range levelNames {
		if l >= n.level {
			return i
		}
	}
	return 7
}
