package capture

import (
	"fmt"
	"slices"

	"peregrine/internal/event"
)

// tables are the contents of the BPF maps "specs" and "convs", built from
// sysSpecs and convDefs and checked against package event's table.
type tables struct {
	specs   [nrSlots]probeSpec
	convs   [numConvs]probeConv
	byType  map[event.Type][]uint32 // event type -> system call numbers
	generic bool
}

// syscallNumber returns the x86_64 number of system call name.
func syscallNumber(name string) (uint32, bool) {
	for nr, n := range amd64Syscalls {
		if n == name {
			return uint32(nr), true
		}
	}
	return 0, false
}

// ppmSyscall returns the PPM_SC code libs gives system call name.
func ppmSyscall(name string) (uint16, bool) {
	for id := 1; id < event.NumSyscalls(); id++ {
		if event.SyscallName(uint16(id)) == name {
			return uint16(id), true
		}
	}
	return 0, false
}

// buildTables builds the maps' contents; with generic, every x86_64
// system call without a spec of its own gets the generic event (type 1).
func buildTables(generic bool) (*tables, error) {
	t := &tables{byType: map[event.Type][]uint32{}, generic: generic}
	for i := range convDefs {
		d := &convDefs[i]
		c, err := buildConv(d)
		if err != nil {
			return nil, err
		}
		t.convs[d.id] = c
	}
	for i := range sysSpecs {
		s := &sysSpecs[i]
		nr, ok := syscallNumber(s.name)
		if !ok || nr >= nrSlots {
			return nil, fmt.Errorf("system call %s: no x86_64 number below %d", s.name, nrSlots)
		}
		ps, err := buildSpec(s)
		if err != nil {
			return nil, err
		}
		t.specs[nr] = ps
		t.byType[s.typ] = append(t.byType[s.typ], nr)
	}
	if generic {
		for nr, name := range amd64Syscalls {
			if name == "" || nr >= nrSlots || t.specs[nr].Type != 0 {
				continue
			}
			id, _ := ppmSyscall(name) // 0 (unknown) when libs has no code
			t.specs[nr] = probeSpec{Type: uint16(genericType), Nparams: 2, P: [specParams]probePspec{
				{Kind: pkConst, Size: 2, Aux: uint8(id), Aux2: uint8(id >> 8)},
				{Kind: pkConst, Size: 2, Aux: uint8(nr), Aux2: uint8(nr >> 8)},
			}}
			t.byType[genericType] = append(t.byType[genericType], uint32(nr))
		}
	}
	return t, nil
}

// buildSpec makes the BPF form of s, taking integer sizes from the event
// table and checking each parameter's kind against its type there.
func buildSpec(s *sysSpec) (probeSpec, error) {
	info := s.typ.Info()
	if info == nil || info.Flags&(event.OldVersion|event.Unused) != 0 || s.typ.Dir() != event.Exit {
		return probeSpec{}, fmt.Errorf("system call %s: event type %d is not a current exit event", s.name, s.typ)
	}
	ps := probeSpec{Type: uint16(s.typ), Special: s.special, PreloadSrc: s.preload, PreloadWords: s.words}
	if s.words > maxWords {
		return ps, fmt.Errorf("system call %s: %d preloaded words, at most %d", s.name, s.words, maxWords)
	}
	if s.special != spTable {
		if len(s.params) != 0 {
			return ps, fmt.Errorf("system call %s: a dedicated encoder takes no parameter list", s.name)
		}
		return ps, nil
	}
	if len(s.params) != len(info.Params) || len(s.params) > specParams {
		return ps, fmt.Errorf("system call %s: %d parameters for %s, whose exit event has %d", s.name, len(s.params), info.Enum, len(info.Params))
	}
	ps.Nparams = uint8(len(s.params))
	for i, p := range s.params {
		pi := &info.Params[i]
		if err := checkKind(p, pi); err != nil {
			return ps, fmt.Errorf("system call %s: parameter %d (%s %v): %w", s.name, i, pi.Name, pi.Type, err)
		}
		ps.P[i] = probePspec{Kind: p.kind, Src: p.src, Size: uint8(pi.Type.FixedSize()), Conv: uint8(p.conv),
			Aux: p.aux, Aux2: p.aux2, Flags: p.flags}
	}
	return ps, nil
}

// kindTypes lists the parameter types each kind may fill; nil means any
// fixed-size type.
var kindTypes = [...][]event.ParamType{
	pkEmpty:    {},
	pkInt:      nil,
	pkConst:    nil,
	pkStr:      {event.PTCharbuf, event.PTFSPath, event.PTFSRelPath},
	pkData:     {event.PTBytebuf},
	pkSockaddr: {event.PTSockaddr},
	pkTuple:    {event.PTSocktuple},
	pkFDDev:    {event.PTUint32},
	pkFDIno:    {event.PTUint64},
	pkSockPtr:  {event.PTUint64},
	pkPeerPtr:  {event.PTUint64},
	pkQueue:    {event.PTUint8, event.PTUint32},
	pkCap:      {event.PTUint64},
	pkDyn:      {event.PTDyn},
	pkIovSize:  {event.PTUint32},
	pkIovData:  {event.PTBytebuf},
	pkPrctlStr: {event.PTCharbuf},
	pkPrctlInt: {event.PTInt64},
}

func checkKind(p pdef, pi *event.ParamInfo) error {
	if int(p.kind) >= len(kindTypes) {
		return fmt.Errorf("unknown kind %d", p.kind)
	}
	allowed := kindTypes[p.kind]
	if allowed == nil {
		if n := pi.Type.FixedSize(); n == 0 || n > 8 {
			return fmt.Errorf("kind %d needs a fixed-size integer type", p.kind)
		}
		return nil
	}
	if p.kind != pkEmpty && !slices.Contains(allowed, pi.Type) {
		return fmt.Errorf("kind %d cannot fill it", p.kind)
	}
	return nil
}

// supported returns the event types t can capture, in increasing order.
func (t *tables) supported() []event.Type {
	out := []event.Type{procExitType}
	for typ := range t.byType {
		out = append(out, typ)
	}
	slices.Sort(out)
	return out
}
