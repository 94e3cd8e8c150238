package state

import (
	"encoding/binary"
	"fmt"
	"testing"

	"peregrine/internal/event"
)

// check verifies the invariants of the state's bookkeeping: the recency
// list holds exactly the table, each Proc counts the threads sharing it,
// child counts match the parents, descriptors are filed under their
// numbers and Stats.FDs counts them.
func (s *State) check() error {
	n := 0
	var prev *Thread
	for t := s.upd.head; t != nil; t = t.lruNext {
		if t.lruPrev != prev {
			return fmt.Errorf("recency list: %d has a wrong back link", t.TID)
		}
		if s.threads[t.TID] != t {
			return fmt.Errorf("recency list holds %d, not in the table", t.TID)
		}
		prev = t
		n++
	}
	if s.upd.tail != prev || n != len(s.threads) {
		return fmt.Errorf("recency list has %d threads, table %d", n, len(s.threads))
	}
	refs, live := map[*Proc]int{}, map[*Proc]int{}
	children := map[int64]int32{}
	for tid, t := range s.threads {
		if t.TID != tid || t.Proc == nil {
			return fmt.Errorf("thread %d filed under %d, proc %v", t.TID, tid, t.Proc)
		}
		refs[t.Proc]++
		if t.Flags&Exited == 0 {
			live[t.Proc]++
		}
		children[t.PTID]++
	}
	fds := 0
	for p, r := range refs {
		if p.refs != r || p.Threads != live[p] {
			return fmt.Errorf("proc shared by %d (%d live) counts %d (%d live)", r, live[p], p.refs, p.Threads)
		}
		for num, fd := range p.FDs.fds {
			if fd.Num != num {
				return fmt.Errorf("fd %d filed under %d", fd.Num, num)
			}
		}
		fds += len(p.FDs.fds)
	}
	if fds != s.stats.FDs {
		return fmt.Errorf("Stats.FDs %d, tables hold %d", s.stats.FDs, fds)
	}
	if len(children) != len(s.upd.children) {
		return fmt.Errorf("children counted for %d parents, table has %d", len(s.upd.children), len(children))
	}
	for ptid, n := range children {
		if s.upd.children[ptid] != n {
			return fmt.Errorf("tid %d counts %d children, has %d", ptid, s.upd.children[ptid], n)
		}
	}
	return nil
}

// fuzzTypes are the event types the fuzzer builds: every type the update
// engine handles, and a read.
var fuzzTypes = [...]event.Type{
	evOpen, evClose, evSocket, evBind, evConnectE, evConnect, evSendto, evRecvfrom, evSocketpair,
	evSendmsg, evRecvmsg, evCreat, evPipe, evEventfd, evChdir, evFchdir, evSignalfd, evTimerfdCreate,
	evInotifyInit, evGetrlimit, evSetrlimit, evPrlimit, evFcntl, evSchedSwitch, evBrk, evMmap,
	evProcExit, evSetresuid, evSetresgid, evSetuid, evSetgid, evClone, evFork, evVfork, evContainer,
	evAccept, evContainerJSON, evSetsid, evExecve, evOpenat, evUserfaultfd, evContainerJSON2, evOpenat2,
	evExecveat, evClone3, evOpenByHandleAt, evIOUringSetup, evCapset, evUserAdded, evUserDeleted,
	evGroupAdded, evGroupDeleted, evDup2, evDup3, evDup, evBPF, evEpollCreate, evAccept4, evPipe2,
	evPrctl, evMemfdCreate, evPidfdGetfd, evPidfdOpen, evSetreuid, 7,
}

// fuzzEvents turns bytes into a stream of events of few threads and small
// descriptor numbers, so that they meet: each event takes a type, a
// thread, a timestamp step and, for each parameter, a length class and
// bytes.
func fuzzEvents(data []byte, apply func(*event.Event)) {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	var (
		b  event.Builder
		e  event.Event
		ts uint64
	)
	for len(data) > 0 {
		typ := fuzzTypes[int(next())%len(fuzzTypes)]
		tid := int64(next()%6) + 1
		ts += uint64(next()) - 16
		b.Reset(typ, ts, tid)
		info := typ.Info()
		nparams := len(info.Params)
		if c := next(); c < 32 {
			nparams = int(c) % (nparams + 1)
		}
		for i := 0; i < nparams; i++ {
			p := info.Params[i]
			switch c := next(); {
			case c < 16:
				b.Empty()
			case p.Type.FixedSize() > 0 && p.Type.FixedSize() <= 8:
				// Small values, often negative or a known fd or tid.
				v := int64(int8(next())) % 12
				if c&1 == 1 {
					v = int64(binary.LittleEndian.Uint16([]byte{next(), next()}))
				}
				b.Int(p.Type, v)
			case p.Type == event.PTCharbuf || p.Type == event.PTFSPath || p.Type == event.PTFSRelPath:
				names := [...]string{"/a", "b/../c", ".", "/", "x//y/", "<NA>", `{"container":{"id":"abc"}}`, "io=/docker/" +
					"0123456789012345678901234567890123456789012345678901234567890123"}
				b.String(names[int(next())%len(names)])
			default:
				n := int(next()) % 40
				raw := make([]byte, n)
				for j := range raw {
					raw[j] = next()
				}
				if n > 0 && c&1 == 1 {
					raw[0] = [...]byte{1, 2, 10}[int(raw[0])%3]
				}
				b.Raw(raw)
			}
		}
		if b.Build(&e) == nil {
			apply(&e)
		}
	}
}

// FuzzUpdate applies arbitrary event streams: no panic, and the
// bookkeeping stays consistent after every event.
func FuzzUpdate(f *testing.F) {
	f.Add([]byte("\x29\x01\x10\x40\x00\x05\x30\x02\x40\x03\x35\x02"))
	f.Add([]byte("\x1f\x02\x10\x40\x20\x00\x05\x30\x01\x00\x00\x02\x10\x10\x1a\x03\x10\x40"))
	f.Add(make([]byte, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(Options{MaxThreads: 5, MaxFDs: 6})
		p := event.ProcessDefaults()
		p.TID, p.PID, p.PTID, p.Comm, p.Cwd = 1, 1, 0, "init", "/"
		s.Bootstrap(Bootstrap{Procs: []event.Process{p}, FDs: []ThreadFDs{{TID: 1, FDs: []event.FD{{Num: 3, Type: event.FDFileV2, Name: "/x"}}}}})
		n := 0
		fuzzEvents(data, func(e *event.Event) {
			s.Update(e)
			n++
			if err := s.check(); err != nil {
				t.Fatalf("after event %d (type %d): %v", n, e.Type(), err)
			}
			s.Resolver().Thread(e.TID())
		})
	})
}
