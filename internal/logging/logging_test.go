package logging

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		name    string
		want    slog.Level
		wantErr bool
	}{
		{"emergency", LevelEmergency, false},
		{"alert", LevelAlert, false},
		{"critical", LevelCritical, false},
		{"error", LevelError, false},
		{"warning", LevelWarning, false},
		{"notice", LevelNotice, false},
		{"info", LevelInfo, false},
		{"informational", LevelInfo, false},
		{"INFO", LevelInfo, false},
		{"", LevelInfo, false},
		{"debug", LevelDebug, false},
		{"warn", 0, true},
		{"verbose", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.name)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, error %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
	// The levels are in Falco's order, most severe first.
	for i := 1; i < len(levelNames); i++ {
		if levelNames[i-1].level <= levelNames[i].level {
			t.Errorf("%s (%d) is not above %s (%d)", levelNames[i-1].name, levelNames[i-1].level, levelNames[i].name, levelNames[i].level)
		}
	}
}

func TestStderr(t *testing.T) {
	var buf bytes.Buffer
	log, closer, err := Open(Options{Level: "notice", Stderr: &buf})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	log.Debug("dropped")
	log.Info("dropped too")
	log.Log(context.Background(), LevelNotice, "reloaded", "rules", 42)
	log.Warn("slow output", "output", "http")
	log.Log(context.Background(), LevelCritical, "gone")
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		// Drop the time, which the test does not control.
		_, rest, _ := strings.Cut(line, " ")
		got = append(got, rest)
	}
	want := []string{
		"level=NOTICE msg=reloaded rules=42",
		"level=WARNING msg=\"slow output\" output=http",
		"level=CRITICAL msg=gone",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stderr lines (-want +got):\n%s", diff)
	}
}

func TestNothing(t *testing.T) {
	log, closer, err := New("debug", false, false)
	if err != nil {
		t.Fatal(err)
	}
	log.Error("goes nowhere")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := New("loud", true, false); err == nil {
		t.Error("New with an unknown level: no error")
	}
}

// syslogd is a syslog daemon in the test: a unix datagram socket.
type syslogd struct {
	t    *testing.T
	path string
	conn *net.UnixConn
}

func newSyslogd(t *testing.T, path string) *syslogd {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &syslogd{t: t, path: path, conn: conn}
}

// next returns the next message the daemon received.
func (s *syslogd) next() string {
	s.t.Helper()
	buf := make([]byte, 64<<10)
	if err := s.conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		s.t.Fatal(err)
	}
	n, err := s.conn.Read(buf)
	if err != nil {
		s.t.Fatalf("syslog daemon: %v", err)
	}
	return string(buf[:n])
}

func TestSyslog(t *testing.T) {
	d := newSyslogd(t, filepath.Join(t.TempDir(), "log"))
	log, closer, err := Open(Options{Level: "debug", Syslog: true, SyslogPath: d.path})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()

	stamp := `[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]`
	prefix := func(pri int) string {
		return fmt.Sprintf(`^<%d>%s peregrine\[%d\]: `, pri, stamp, os.Getpid())
	}
	tests := []struct {
		log  func()
		want string // after the prefix
		pri  int    // facility daemon (3) * 8 + severity
	}{
		{func() { log.Debug("looking") }, `looking$`, 31},
		{func() { log.Info("started", "processes", 12) }, `started processes=12$`, 30},
		{func() { log.Log(context.Background(), LevelNotice, "reloaded") }, `reloaded$`, 29},
		{func() { log.Warn("slow output", "output", "http", "after", "2s") }, `slow output output=http after=2s$`, 28},
		{func() { log.Error("two\nlines", "err", "x y") }, `two lines err="x y"$`, 27},
		{func() { log.Log(context.Background(), LevelCritical, "c") }, `c$`, 26},
		{func() { log.Log(context.Background(), LevelAlert, "a") }, `a$`, 25},
		{func() { log.Log(context.Background(), LevelEmergency, "e") }, `e$`, 24},
		{func() { log.With("component", "output").WithGroup("http").Warn("retry", "n", 3) }, `retry component=output http.n=3$`, 28},
	}
	for i, tt := range tests {
		tt.log()
		got := d.next()
		if !regexp.MustCompile(prefix(tt.pri) + tt.want).MatchString(got) {
			t.Errorf("message %d = %q; want %s%s", i, got, prefix(tt.pri), tt.want)
		}
	}
}

func TestSyslogLevelAndBoth(t *testing.T) {
	d := newSyslogd(t, filepath.Join(t.TempDir(), "log"))
	var stderr bytes.Buffer
	log, closer, err := Open(Options{Level: "warning", Stderr: &stderr, Syslog: true, SyslogPath: d.path, Tag: "agent"})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	log.Info("below the level")
	log.Warn("to both")
	if got := d.next(); !strings.HasSuffix(got, "]: to both") || !strings.Contains(got, " agent[") {
		t.Errorf("syslog got %q", got)
	}
	if got := stderr.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "level=WARNING msg=\"to both\"") {
		t.Errorf("stderr got %q", got)
	}
}

// A daemon that restarts makes a new socket at the same path; the next
// message reaches it.
func TestSyslogReconnect(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	d := newSyslogd(t, path)
	log, closer, err := Open(Options{Level: "info", Syslog: true, SyslogPath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	log.Info("first")
	if got := d.next(); !strings.HasSuffix(got, ": first") {
		t.Fatalf("got %q", got)
	}
	d.conn.Close()
	os.Remove(path)
	d = newSyslogd(t, path)
	log.Info("second")
	if got := d.next(); !strings.HasSuffix(got, ": second") {
		t.Fatalf("after the restart got %q", got)
	}

	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	log.Info("after close") // dropped, no panic
}

func TestSyslogMissing(t *testing.T) {
	_, _, err := Open(Options{Syslog: true, SyslogPath: filepath.Join(t.TempDir(), "nothing")})
	if err == nil || !strings.Contains(err.Error(), "connect to syslog at ") {
		t.Errorf("Open with no daemon: %v", err)
	}
}

func TestLevelName(t *testing.T) {
	tests := map[slog.Level]string{
		LevelDebug - 4: "DEBUG", LevelDebug: "DEBUG", LevelInfo: "INFO", LevelInfo + 1: "INFO",
		LevelNotice: "NOTICE", LevelWarning: "WARNING", LevelError: "ERROR", LevelCritical: "CRITICAL",
		LevelAlert: "ALERT", LevelEmergency: "EMERGENCY", LevelEmergency + 10: "EMERGENCY",
	}
	for l, want := range tests {
		if got := LevelName(l); got != want {
			t.Errorf("LevelName(%d) = %s; want %s", l, got, want)
		}
	}
}
