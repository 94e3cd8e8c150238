package output

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"peregrine/internal/alert"
)

// DropRule is the rule name of the internal alert that reports alerts
// lost by outputs (as the engine's "Peregrine internal: event drops"
// reports events lost by the capture).
const DropRule = "Peregrine internal: alerts dropped by outputs"

// reporter remembers what the last drop report covered.
type reporter struct {
	mu    sync.Mutex
	last  []reported // per worker
	total uint64     // alerts lost by all sinks, reported so far
	sent  int        // reports made
}

// reported is what a drop report covered of one sink.
type reported struct {
	dropped, failed uint64 // all losses
	trigger         uint64 // losses of alerts other than drop reports
}

// lossLine is one sink's part of a drop report.
type lossLine struct {
	name            string
	dropped, failed uint64 // since the last report
	totalDropped    uint64
	totalFailed     uint64
}

func (o *Outputs) reportLoop(every time.Duration) {
	defer close(o.reportDone)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			o.report()
		case <-o.stopReport:
			return
		}
	}
}

// report sends a drop report through the sinks, and logs it, when a sink
// lost alerts other than drop reports since the last report.
func (o *Outputs) report() {
	o.rep.mu.Lock()
	defer o.rep.mu.Unlock()
	var lines []lossLine
	var n uint64
	for i, w := range o.workers {
		d, f := w.dropped.Load(), w.failed.Load()
		trig := d - w.droppedInternal.Load() + f - w.failedInternal.Load()
		last := &o.rep.last[i]
		if trig == last.trigger {
			continue
		}
		l := lossLine{name: w.name, dropped: d - last.dropped, failed: f - last.failed, totalDropped: d, totalFailed: f}
		*last = reported{dropped: d, failed: f, trigger: trig}
		lines = append(lines, l)
		n += l.dropped + l.failed
	}
	if len(lines) == 0 {
		return
	}
	o.rep.total += n
	for _, l := range lines {
		o.log.Warn("alerts lost by output", "output", l.name, "dropped", l.dropped, "failed", l.failed,
			"dropped_total", l.totalDropped, "failed_total", l.totalFailed)
	}
	o.rep.sent++
	o.send(o.dropAlert(time.Now(), lines, n), true)
}

// dropAlert makes the report of lines, n alerts lost in all: a Critical
// alert of source "internal" with the counts in its fields.
func (o *Outputs) dropAlert(now time.Time, lines []lossLine, n uint64) *alert.Alert {
	var b strings.Builder
	b.WriteString("Alerts lost by outputs: ")
	b.WriteString(strconv.FormatUint(n, 10))
	b.WriteString(" since the last report, ")
	b.WriteString(strconv.FormatUint(o.rep.total, 10))
	b.WriteString(" in all (")
	fields := []alert.Field{
		{Name: "n_drops", JSON: strconv.FormatUint(n, 10)},
		{Name: "n_drops_total", JSON: strconv.FormatUint(o.rep.total, 10)},
	}
	for i, l := range lines {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(l.name)
		b.WriteString(": ")
		b.WriteString(strconv.FormatUint(l.dropped, 10))
		b.WriteString(" dropped (queue full), ")
		b.WriteString(strconv.FormatUint(l.failed, 10))
		b.WriteString(" failed (delivery error)")
		fields = append(fields,
			alert.Field{Name: "output." + l.name + ".n_dropped", JSON: strconv.FormatUint(l.dropped, 10)},
			alert.Field{Name: "output." + l.name + ".n_failed", JSON: strconv.FormatUint(l.failed, 10)})
	}
	b.WriteString(")")
	msg := b.String()
	host := o.opt.Hostname
	if host == "" {
		host, _ = os.Hostname()
	}
	return &alert.Alert{
		Time:     now,
		Rule:     DropRule,
		Priority: alert.PriorityCritical,
		Source:   "internal",
		Hostname: host,
		Output:   now.Format("15:04:05.000000000") + ": Critical " + msg,
		Message:  msg,
		Tags:     []string{"peregrine", "outputs", "drops"},
		Fields:   fields,
	}
}
