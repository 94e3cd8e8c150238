package engine

import (
	"peregrine/internal/scap"
	"peregrine/internal/state"
)

// CaptureBootstrap returns the state bootstrap of a capture section: its
// machine, processes, descriptors, users and groups.
func CaptureBootstrap(m *scap.Meta) state.Bootstrap {
	b := state.Bootstrap{Machine: m.Machine, Procs: m.Procs, Users: m.Users, Groups: m.Groups}
	for _, l := range m.FDLists {
		b.FDs = append(b.FDs, state.ThreadFDs{TID: l.TID, FDs: l.FDs})
	}
	return b
}
