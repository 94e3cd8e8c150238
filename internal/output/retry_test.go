package output

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"peregrine/internal/alert"
)

func TestRetryDo(t *testing.T) {
	fast := Retry{Attempts: 4, Initial: time.Microsecond, Max: time.Microsecond}
	boom := errors.New("boom")
	tests := []struct {
		name     string
		fails    int   // attempts that fail before one succeeds
		err      error // the failure
		calls    int
		wantErr  string
		attempts int
	}{
		{name: "first try", fails: 0, calls: 1},
		{name: "third try", fails: 2, err: boom, calls: 3},
		{name: "used up", fails: 10, err: boom, calls: 4, wantErr: "4 attempts: boom"},
		{name: "permanent", fails: 10, err: Permanent(boom), calls: 1, wantErr: "boom"},
		{name: "no retry", fails: 10, err: boom, calls: 1, wantErr: "boom", attempts: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := fast
			if tc.attempts != 0 {
				r.Attempts = tc.attempts
			}
			calls := 0
			err := r.Do(context.Background(), func(context.Context) error {
				calls++
				if calls <= tc.fails {
					return tc.err
				}
				return nil
			})
			if calls != tc.calls {
				t.Errorf("%d calls, want %d", calls, tc.calls)
			}
			if (err == nil) != (tc.wantErr == "") || err != nil && err.Error() != tc.wantErr {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, boom) {
				t.Errorf("error %v does not wrap the cause", err)
			}
		})
	}
}

// TestRetryCancel: a cancelled context ends the wait between attempts.
func TestRetryCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := Retry{Attempts: 5, Initial: time.Hour}.Do(ctx, func(context.Context) error {
		calls++
		cancel()
		return errors.New("down")
	})
	if calls != 1 || err == nil {
		t.Errorf("%d calls, %v", calls, err)
	}
	if err := (Retry{}).Do(ctx, func(context.Context) error { return errors.New("x") }); err == nil {
		t.Error("no error with a cancelled context")
	}
}

// failFirst fails its first n writes.
type failFirst struct {
	recordSink
	n        int
	reopened int
}

func (s *failFirst) Write(ctx context.Context, a *alert.Alert) error {
	if s.n > 0 {
		s.n--
		return errors.New("not yet")
	}
	return s.recordSink.Write(ctx, a)
}

func (s *failFirst) Reopen() error { s.reopened++; return nil }

// TestRetrying: the decorator retries any sink and passes Reopen on.
func TestRetrying(t *testing.T) {
	inner := &failFirst{recordSink: recordSink{name: "x"}, n: 2}
	s := Retrying(inner, Retry{Initial: time.Microsecond, Max: time.Microsecond})
	o := New(Options{DropReportInterval: -1}, s)
	o.Send(testAlert(1))
	eventually(t, "the alert", func() bool { return o.Stats()[0].Sent == 1 })
	o.Reopen()
	o.Send(testAlert(2))
	if err := o.Close(closeCtx(t)); err != nil {
		t.Fatal(err)
	}
	if st := o.Stats()[0]; st.Name != "x" || st.Sent != 2 || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
	if inner.reopened != 1 || !inner.closed {
		t.Errorf("reopened %d times, closed %v", inner.reopened, inner.closed)
	}
	if !strings.Contains(Permanent(errors.New("a")).Error(), "a") || Permanent(nil) != nil {
		t.Error("Permanent")
	}
}
