package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"peregrine/internal/alert"
	"peregrine/internal/capture"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// markSource is a live source that notes which of its tags (marker
// strings) the events the engine reads carry, by event type.
type markSource struct {
	engine.LiveSource
	tags []string
	mu   sync.Mutex
	seen map[string]bool // "tag type"
}

func (s *markSource) Next() (*event.Event, error) {
	ev, err := s.LiveSource.Next()
	if err == nil {
		for _, tag := range s.tags {
			if bytes.Contains(ev.Bytes(), []byte(tag)) {
				s.mu.Lock()
				s.seen[tag+" "+ev.TypeName()] = true
				s.mu.Unlock()
			}
		}
	}
	return ev, err
}

func (s *markSource) saw(tag, typ string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[tag+" "+typ]
}

// waitSaw waits (at most 15 s) until the engine has read an event of
// type typ that carries tag.
func (s *markSource) waitSaw(t *testing.T, tag, typ string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if s.saw(tag, typ) {
			return
		}
	}
	t.Fatalf("no %s event with %q within 15 s", typ, tag)
}

// A capture is a live filter for Reload.
var _ engine.Filter = (*capture.Capture)(nil)

// A live reload changes the kernel filter with the rules: a system call
// type only the new rules need is filtered out before the reload and
// arrives, and alerts, after it; one only the old rules needed is
// filtered out after it.
func TestLiveReloadFilter(t *testing.T) {
	testenv.Root(t)
	m := marker(t)
	dir := t.TempDir()
	tag := func(s string) string { return s + "-" + m }
	rule := func(name, typ string) string {
		return fmt.Sprintf("- rule: %s\n  desc: d\n  condition: evt.type = %s and evt.dir = < and evt.args contains \"%s\"\n  output: \"%%evt.args\"\n  priority: WARNING\n", name, typ, m)
	}
	eng, _, err := engine.New(spec(t, rule("chmods", "fchmodat")), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := eng.Prepare(spec(t, rule("mkdirs", "mkdirat")))
	if err != nil {
		t.Fatal(err)
	}
	typeIn := func(types []event.Type, name string) bool {
		return slices.ContainsFunc(types, func(t event.Type) bool { return t.Name() == name })
	}
	if old := engine.Types(eng.Ruleset()); typeIn(old, "mkdirat") || !typeIn(old, "fchmodat") || typeIn(p.Types(), "fchmodat") || !typeIn(p.Types(), "mkdirat") {
		t.Fatalf("the test needs mkdirat only in the new rules' types and fchmodat only in the old: old %v, new %v", old, p.Types())
	}

	capt, err := capture.Open(capture.Options{Types: engine.Types(eng.Ruleset())})
	if err != nil {
		t.Fatal(err)
	}
	defer capt.Close()
	src := &markSource{LiveSource: engine.LiveSource{C: capt}, seen: map[string]bool{}}
	for _, s := range []string{"before", "after", "chmod1", "chmod2", "sync1", "sync2"} {
		src.tags = append(src.tags, tag(s))
	}
	var mu sync.Mutex
	var alerts []*alert.Alert
	ran := make(chan error, 1)
	go func() {
		ran <- eng.Run(context.Background(), src, func(a *alert.Alert) {
			mu.Lock()
			alerts = append(alerts, a)
			mu.Unlock()
		})
	}()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			capt.Stop()
			if err := <-ran; err != nil {
				t.Errorf("engine: %v", err)
			}
		}
	}
	defer stop()
	// barrier makes a system call every rule set captures (an open, for the
	// state) and waits for the engine to read it: what came before it on
	// this goroutine has been read too.
	barrier := func(name string) {
		t.Helper()
		os.Open(filepath.Join(dir, tag(name)))
		src.waitSaw(t, tag(name), "openat")
	}
	file := filepath.Join(dir, tag("chmod1"))
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	touch := func(path string) {
		if err := os.Chmod(path, 0o640); err != nil {
			t.Fatal(err)
		}
	}

	// Before: mkdirat is filtered out in the kernel, fchmodat is not.
	if err := os.Mkdir(filepath.Join(dir, tag("before")), 0o700); err != nil {
		t.Fatal(err)
	}
	touch(file)
	barrier("sync1")
	if src.saw(tag("before"), "mkdirat") || !src.saw(tag("chmod1"), "fchmodat") {
		t.Fatalf("before the reload: mkdirat seen %v (want false), fchmodat seen %v (want true)",
			src.saw(tag("before"), "mkdirat"), src.saw(tag("chmod1"), "fchmodat"))
	}

	// The switch waits for the first event after the widening, and this
	// host may be quiet: keep it busy with opens until then.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	busy := make(chan struct{})
	go func() {
		for {
			select {
			case <-busy:
				return
			case <-time.After(5 * time.Millisecond):
				os.Open(filepath.Join(dir, "busy"))
			}
		}
	}()
	at, err := eng.Reload(ctx, p, capt)
	close(busy)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("new rules in effect from event %d", at)

	// After: the other way round.
	if err := os.Mkdir(filepath.Join(dir, tag("after")), 0o700); err != nil {
		t.Fatal(err)
	}
	file2 := filepath.Join(dir, tag("chmod2"))
	if err := os.WriteFile(file2, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	touch(file2)
	barrier("sync2")
	if !src.saw(tag("after"), "mkdirat") || src.saw(tag("chmod2"), "fchmodat") {
		t.Fatalf("after the reload: mkdirat seen %v (want true), fchmodat seen %v (want false)",
			src.saw(tag("after"), "mkdirat"), src.saw(tag("chmod2"), "fchmodat"))
	}
	stop()
	var got []string
	for _, a := range alerts {
		got = append(got, a.Rule+": "+a.Message)
	}
	want := []string{file, filepath.Join(dir, tag("after"))}
	if len(got) != 2 || !strings.HasPrefix(got[0], "chmods: ") || !strings.Contains(got[0], file) ||
		!strings.HasPrefix(got[1], "mkdirs: ") || !strings.Contains(got[1], want[1]) {
		t.Errorf("alerts %q, want two, for %q", got, want)
	}
}
