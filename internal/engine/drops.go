package engine

import (
	"strconv"
	"time"

	"peregrine/internal/alert"
)

// DropSource is a Source that loses events under load and counts them (a
// live capture whose ring buffer fills). The engine turns new losses into
// alerts, so that no drop is silent.
type DropSource interface {
	Source
	// Drops returns the events lost so far and the events seen by the
	// kernel side so far.
	Drops() (lost, seen uint64)
}

// DropRule is the name of the alert the engine raises when its source
// loses events (Falco's is "Falco internal: syscall event drop").
const DropRule = "Peregrine internal: event drops"

// dropAlertEvery is the shortest time between two drop alerts; the
// losses in between are added to the next one.
const dropAlertEvery = 10 * time.Second

// dropMonitor raises drop alerts for a DropSource.
type dropMonitor struct {
	src       DropSource
	now       func() time.Time
	lastLost  uint64 // losses already reported
	lastSeen  uint64
	lastAlert time.Time
	alerts    uint64
}

// check raises an alert when the source lost events since the last alert
// and the last alert is old enough (or force, at the end of a run).
func (m *dropMonitor) check(e *Engine, emit func(*alert.Alert), force bool) {
	lost, seen := m.src.Drops()
	if lost <= m.lastLost {
		return
	}
	now := m.now()
	if !force && !m.lastAlert.IsZero() && now.Sub(m.lastAlert) < dropAlertEvery {
		return
	}
	n, of := lost-m.lastLost, seen-m.lastSeen
	m.lastLost, m.lastSeen, m.lastAlert = lost, seen, now
	m.alerts++
	msg := "Event drop: " + strconv.FormatUint(n, 10) + " events lost of " + strconv.FormatUint(of, 10) +
		" (ring buffer full: the host produced events faster than the agent read them; detection missed them)"
	a := &alert.Alert{
		Time:     now,
		Rule:     DropRule,
		Priority: alert.PriorityCritical,
		Source:   "internal",
		Hostname: e.hostname(),
		Output:   now.Format("15:04:05.000000000") + ": Critical " + msg,
		Message:  msg,
		Tags:     []string{"peregrine", "drops"},
		Fields: []alert.Field{
			{Name: "n_drops", JSON: strconv.FormatUint(n, 10)},
			{Name: "n_evts", JSON: strconv.FormatUint(of, 10)},
			{Name: "n_drops_total", JSON: strconv.FormatUint(lost, 10)},
		},
	}
	e.counts.Alerts++
	e.counts.DropAlerts++
	emit(a)
}
