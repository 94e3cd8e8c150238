package logging

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Levels on Falco's syslog scale. slog's own four are Debug, Info, Warn
// and Error; the others sit between and above them.
const (
	LevelDebug     = slog.LevelDebug
	LevelInfo      = slog.LevelInfo
	LevelNotice    = slog.Level(2)
	LevelWarning   = slog.LevelWarn
	LevelError     = slog.LevelError
	LevelCritical  = slog.Level(10)
	LevelAlert     = slog.Level(12)
	LevelEmergency = slog.Level(14)
)

// levelNames are the names of the levels, most severe first.
var levelNames = []struct {
	name  string
	level slog.Level
}{
	{"emergency", LevelEmergency}, {"alert", LevelAlert}, {"critical", LevelCritical},
	{"error", LevelError}, {"warning", LevelWarning}, {"notice", LevelNotice},
	{"info", LevelInfo}, {"debug", LevelDebug},
}

// ParseLevel returns the level of a Falco log level name (case is
// ignored; "informational" is info, "" is info too).
func ParseLevel(name string) (slog.Level, error) {
	n := strings.ToLower(name)
	switch n {
	case "", "informational":
		return LevelInfo, nil
	}
	for _, l := range levelNames {
		if n == l.name {
			return l.level, nil
		}
	}
	return 0, fmt.Errorf("unknown log level %q (want emergency, alert, critical, error, warning, notice, info or debug)", name)
}

// LevelName returns the upper-case name of the level l falls in: a level
// between two named ones takes the lower one's name.
func LevelName(l slog.Level) string {
	for _, n := range levelNames {
		if l >= n.level {
			return strings.ToUpper(n.name)
		}
	}
	return "DEBUG"
}

// Options says where the logs go.
type Options struct {
	// Level is a name accepted by [ParseLevel].
	Level string
	// Stderr receives text lines (log/slog's text format, levels named as
	// Falco names them); nil for none.
	Stderr io.Writer
	// Syslog sends each message to the syslog daemon at SyslogPath.
	Syslog bool
	// SyslogPath is the daemon's unix socket; default /dev/log.
	SyslogPath string
	// Tag names the program in syslog messages; default peregrine.
	Tag string
}

// New returns a logger writing to standard error (when stderr) and to the
// local syslog daemon (when syslog), at the Falco level named level, and
// the Closer that releases the syslog connection. A logger with neither
// discards everything.
func New(level string, stderr, syslog bool) (*slog.Logger, io.Closer, error) {
	o := Options{Level: level, Syslog: syslog}
	if stderr {
		o.Stderr = os.Stderr
	}
	return Open(o)
}

// Open is [New] with every option. The logger is safe for concurrent use;
// once the Closer is closed, syslog messages are dropped.
func Open(o Options) (*slog.Logger, io.Closer, error) {
	level, err := ParseLevel(o.Level)
	if err != nil {
		return nil, nil, err
	}
	var hs []slog.Handler
	if o.Stderr != nil {
		hs = append(hs, slog.NewTextHandler(o.Stderr, &slog.HandlerOptions{Level: level, ReplaceAttr: nameLevels}))
	}
	closer := io.Closer(nopCloser{})
	if o.Syslog {
		path, tag := o.SyslogPath, o.Tag
		if path == "" {
			path = "/dev/log"
		}
		if tag == "" {
			tag = "peregrine"
		}
		w, err := dialSyslog(path, tag)
		if err != nil {
			return nil, nil, err
		}
		hs = append(hs, newSyslogHandler(w, level))
		closer = w
	}
	switch len(hs) {
	case 0:
		return slog.New(slog.DiscardHandler), closer, nil
	case 1:
		return slog.New(hs[0]), closer, nil
	}
	return slog.New(fanout(hs)), closer, nil
}

// nameLevels prints levels with Falco's names (NOTICE, CRITICAL ...)
// rather than slog's offsets (INFO+2, ERROR+2).
func nameLevels(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.LevelKey {
		if l, ok := a.Value.Any().(slog.Level); ok {
			a.Value = slog.StringValue(LevelName(l))
		}
	}
	return a
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// fanout sends each record to every handler that wants it.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (f fanout) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
