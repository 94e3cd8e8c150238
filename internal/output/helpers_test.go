package output

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"peregrine/internal/alert"
)

// testAlert returns the i-th alert of a test: distinct, with fields of
// several JSON kinds, tags and a priority that cycles.
func testAlert(i int) *alert.Alert {
	t := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC).Add(time.Duration(i) * time.Millisecond)
	p := alert.Priority(i % 8)
	msg := fmt.Sprintf("Test alert %d (user=root command=cat /etc/shadow file=/etc/shadow)", i)
	return &alert.Alert{
		Time:     t,
		Rule:     "Test rule " + fmt.Sprint(i%3),
		Priority: p,
		Source:   "syscall",
		Hostname: "testhost",
		Output:   t.Format("15:04:05.000000000") + ": " + p.String() + " " + msg,
		Message:  msg,
		Tags:     []string{"filesystem", "mitre_credential_access"},
		Fields: []alert.Field{
			{Name: "evt.time", JSON: fmt.Sprint(t.UnixNano())},
			{Name: "proc.cmdline", JSON: `"cat /etc/shadow"`},
			{Name: "user.name", JSON: `"root"`},
			{Name: "fd.name", JSON: `"/etc/shadow"`},
			{Name: "container.id", JSON: ""},
			{Name: "proc.aname[2]", JSON: `"bash \"quoted\""`},
		},
	}
}

// alertIndex finds i in a line of testAlert(i), or -1.
func alertIndex(line string) int {
	var i int
	at := strings.Index(line, "Test alert ")
	if at < 0 {
		return -1
	}
	if _, err := fmt.Sscanf(line[at:], "Test alert %d", &i); err != nil {
		return -1
	}
	return i
}

// eventually polls cond until it holds; the test fails after a long
// while. It never asserts a duration: a healthy run is far quicker.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// noLeak returns a check that the goroutines started since are gone.
func noLeak(t testing.TB) func() {
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				t.Fatalf("goroutines: %d before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:n])
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// closeCtx is a generous deadline for Close in tests that expect it to
// finish.
func closeCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// lineLog collects lines from several goroutines.
type lineLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineLog) add(s string) {
	l.mu.Lock()
	l.lines = append(l.lines, s)
	l.mu.Unlock()
}

func (l *lineLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

func (l *lineLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// recordSink keeps what it is given.
type recordSink struct {
	name   string
	mu     sync.Mutex
	alerts []*alert.Alert
	closed bool
}

func (s *recordSink) Name() string { return s.name }

func (s *recordSink) Write(_ context.Context, a *alert.Alert) error {
	s.mu.Lock()
	s.alerts = append(s.alerts, a)
	s.mu.Unlock()
	return nil
}

func (s *recordSink) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

func (s *recordSink) got() []*alert.Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*alert.Alert(nil), s.alerts...)
}

// stallSink takes one alert and then waits, until released or cancelled.
type stallSink struct {
	name    string
	release chan struct{}
	entered chan struct{} // one value per Write that started
}

func newStallSink(name string) *stallSink {
	return &stallSink{name: name, release: make(chan struct{}), entered: make(chan struct{}, 1<<16)}
}

func (s *stallSink) Name() string { return s.name }

func (s *stallSink) Write(ctx context.Context, _ *alert.Alert) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	select {
	case <-s.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *stallSink) Close() error { return nil }
