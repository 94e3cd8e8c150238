package engine

import (
	"peregrine/internal/capture"
	"peregrine/internal/event"
	"peregrine/internal/scap"
	"peregrine/internal/state"
)

// SnapshotBootstrap returns the state bootstrap of a /proc scan.
func SnapshotBootstrap(s *capture.Snapshot) state.Bootstrap {
	m := s.Machine
	b := state.Bootstrap{Machine: &m, Procs: s.Procs, Users: s.Users, Groups: s.Groups}
	for _, l := range s.FDs {
		b.FDs = append(b.FDs, state.ThreadFDs{TID: l.TID, FDs: l.FDs})
	}
	return b
}

// SnapshotMeta returns the metadata a capture file stores for a /proc
// scan: machine, interfaces, users, groups, processes and descriptors.
func SnapshotMeta(s *capture.Snapshot) *scap.Meta {
	m := s.Machine
	meta := &scap.Meta{Machine: &m, Interfaces: s.Interfaces, Users: s.Users, Groups: s.Groups, Procs: s.Procs}
	for _, l := range s.FDs {
		meta.FDLists = append(meta.FDLists, scap.FDList{TID: l.TID, FDs: l.FDs})
	}
	return meta
}

// LiveSource is a live capture as the engine reads it: a DropSource, so
// that lost events become alerts.
type LiveSource struct{ C *capture.Capture }

// Next returns the next captured event.
func (s LiveSource) Next() (*event.Event, error) { return s.C.Next() }

// Drops returns the events the capture lost and the events it saw.
func (s LiveSource) Drops() (lost, seen uint64) {
	st := s.C.Stats()
	return st.Dropped(), st.Seen
}

// Types returns the event types a live capture must deliver for the
// rules of rs and for the state engine.
func Types(rs interface{ EventTypes() []event.Type }) []event.Type {
	seen := map[event.Type]bool{}
	var out []event.Type
	for _, list := range [][]event.Type{rs.EventTypes(), state.Types()} {
		for _, t := range list {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}
