package output

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"peregrine/internal/alert"
)

// Retry is a backoff policy: how often and how patiently a sink tries to
// deliver an alert before it gives up. The zero value takes the defaults.
type Retry struct {
	// Attempts is the number of tries, the first included (default 4);
	// 1 means no retry.
	Attempts int
	// Initial is the wait before the second try (default 250 ms); each
	// further wait doubles, up to Max (default 10 s). A wait is drawn
	// between half and all of that, so that many agents whose receiver
	// came back do not all retry at once. A server's Retry-After is
	// honoured up to Max.
	Initial, Max time.Duration
}

// Defaults of [Retry].
const (
	DefaultRetryAttempts = 4
	DefaultRetryInitial  = 250 * time.Millisecond
	DefaultRetryMax      = 10 * time.Second
)

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = DefaultRetryAttempts
	}
	if r.Initial <= 0 {
		r.Initial = DefaultRetryInitial
	}
	if r.Max <= 0 {
		r.Max = DefaultRetryMax
	}
	if r.Max < r.Initial {
		r.Max = r.Initial
	}
	return r
}

// permanentError is an error that no retry can cure.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth a retry (a receiver that refuses the
// request as malformed or unauthorised): [Retry.Do] gives up at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked by
// [Permanent].
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// retryAfter is implemented by errors that carry a server's Retry-After.
type retryAfter interface{ RetryAfter() time.Duration }

// Do calls attempt until it succeeds, returns a [Permanent] error, the
// attempts are used up, or ctx is done; it waits between tries as r
// says. The error is the last one, saying how many tries were made.
func (r Retry) Do(ctx context.Context, attempt func(context.Context) error) error {
	r = r.withDefaults()
	wait := r.Initial
	for n := 1; ; n++ {
		err := attempt(ctx)
		if err == nil {
			return nil
		}
		if IsPermanent(err) || ctx.Err() != nil {
			return err
		}
		if n >= r.Attempts {
			if n == 1 {
				return err
			}
			return fmt.Errorf("%d attempts: %w", n, err)
		}
		d := wait/2 + rand.N(wait/2+1)
		var ra retryAfter
		if errors.As(err, &ra) && ra.RetryAfter() > d {
			d = min(ra.RetryAfter(), r.Max)
		}
		if !sleep(ctx, d) {
			return fmt.Errorf("%d attempts, then %w: %w", n, ctx.Err(), err)
		}
		wait = min(2*wait, r.Max)
	}
}

// sleep waits for d or until ctx is done, and reports whether it waited
// the whole time.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Retrying returns s with every Write retried as r says (errors marked
// [Permanent] are not retried). Flush and Reopen pass through to s when
// it has them.
func Retrying(s Sink, r Retry) Sink { return &retrying{s: s, r: r} }

type retrying struct {
	s Sink
	r Retry
}

func (x *retrying) Name() string { return x.s.Name() }
func (x *retrying) Close() error { return x.s.Close() }

func (x *retrying) Write(ctx context.Context, a *alert.Alert) error {
	return x.r.Do(ctx, func(ctx context.Context) error { return x.s.Write(ctx, a) })
}

func (x *retrying) Flush() error {
	if f, ok := x.s.(Flusher); ok {
		return f.Flush()
	}
	return nil
}

func (x *retrying) Reopen() error {
	if r, ok := x.s.(Reopener); ok {
		return r.Reopen()
	}
	return nil
}
