package metrics

import (
	"log/slog"
	"sync"
	"testing"
	"time"
)

func TestNewRejectsNil(t *testing.T) {
	if _, err := New(nil, Options{}, nil); err == nil {
		t.Error("New without a snapshot function: no error")
	}
}

// TestRealProcess scrapes a registry made by New, reading this process's
// real /proc, with the client library's collectors.
func TestRealProcess(t *testing.T) {
	start := time.Now()
	m, err := New(func() Snapshot { return Snapshot{Version: "test", Start: start} }, Options{}, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	fams := scrape(t, m)
	positive := []string{
		"falcosecurity_falco_memory_rss_bytes",
		"falcosecurity_falco_memory_vsz_bytes",
		"falcosecurity_falco_host_num_cpus_total",
		"falcosecurity_falco_host_memory_used_bytes",
		"falcosecurity_falco_host_open_fds_total",
		"falcosecurity_falco_host_boot_timestamp_nanoseconds",
		"process_resident_memory_bytes",
		"go_goroutines",
	}
	for _, name := range positive {
		got := series(fams, name)
		if len(got) != 1 || !(got[0].value > 0) {
			t.Errorf("%s = %v, want one positive value", name, got)
		}
	}
	for _, name := range []string{"falcosecurity_falco_cpu_usage_ratio", "falcosecurity_falco_host_cpu_usage_ratio"} {
		got := series(fams, name)
		if len(got) != 1 || got[0].value < 0 {
			t.Errorf("%s = %v, want one value at least 0", name, got)
		}
	}
	// The agent's RSS, read two ways, agrees within a factor of two (the
	// scrape allocates between the two reads).
	ours := series(fams, "falcosecurity_falco_memory_rss_bytes")[0].value
	lib := series(fams, "process_resident_memory_bytes")[0].value
	if ours > 2*lib || lib > 2*ours {
		t.Errorf("rss %v from /proc/self/status, %v from the client library", ours, lib)
	}

	m, err = New(func() Snapshot { return Snapshot{} }, Options{Skip: GroupGoRuntime}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fams = scrape(t, m)
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if _, ok := fams[name]; ok {
			t.Errorf("Skip GoRuntime: %s exported", name)
		}
	}
}

// TestConcurrentScrapes scrapes one registry from several goroutines
// while the snapshot changes (run with -race).
func TestConcurrentScrapes(t *testing.T) {
	var mu sync.Mutex
	n := uint64(0)
	m, err := New(func() Snapshot {
		mu.Lock()
		defer mu.Unlock()
		n++
		return Snapshot{Events: n, Rules: []RuleMatches{{Name: "r", Tags: []string{"t"}, Matches: n}}}
	}, Options{}, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range maxScrapes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if _, err := m.Registry().Gather(); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n != 5*maxScrapes {
		t.Errorf("snapshot taken %d times for %d gathers", n, 5*maxScrapes)
	}
}
