package forensics

import (
	"fmt"
	"io"
	"time"

	"peregrine/internal/forensics/image"
)

// Progress shows how far a long copy has gone (bytes and rate) on a
// terminal, one line rewritten in place at most every 200ms. It is an
// io.Writer that only counts what goes through it.
type Progress struct {
	out   io.Writer
	label string
	start time.Time
	last  time.Time
	n     int64
}

// NewProgress starts a progress line on out, labelled label.
func NewProgress(out io.Writer, label string) *Progress {
	now := time.Now()
	return &Progress{out: out, label: label, start: now, last: now}
}

// Write counts p and redraws the line when it is due.
func (p *Progress) Write(b []byte) (int, error) {
	p.n += int64(len(b))
	if now := time.Now(); now.Sub(p.last) >= 200*time.Millisecond {
		p.last = now
		p.draw(now)
	}
	return len(b), nil
}

// Done draws the final figures and ends the line.
func (p *Progress) Done() {
	p.draw(time.Now())
	fmt.Fprintln(p.out)
}

// draw writes the line: label, bytes so far, mean rate.
func (p *Progress) draw(now time.Time) {
	secs := now.Sub(p.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.n) / secs
	}
	fmt.Fprintf(p.out, "\r%-40s %10s  %10s/s ", p.label, image.HumanBytes(p.n), image.HumanBytes(int64(rate)))
}
