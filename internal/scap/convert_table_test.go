package scap

import (
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
)

// convNoRuleNeeded lists the types flagged ConverterManaged in the event
// table that have no rule of their own, with the reason none is needed.
var convNoRuleNeeded = map[event.Type]string{}

// convTypeMismatchOK lists the copies whose source and target parameter
// types differ, keyed "type:param" of the target, with the reason the
// bytes still fit (libs copies bytes, cut to the target size).
var convTypeMismatchOK = map[string]string{
	"369:0": "bpf: the old exit's res_or_fd (DYN: index byte and value) lands in fd; libs cuts it to 8 bytes",
	"369:1": "bpf: the enter's 64-bit cmd lands in a 32-bit enum; libs keeps the low 4 bytes",
}

func TestConvTableRulesMatchEventTable(t *testing.T) {
	seen := map[[2]int]bool{}
	for _, r := range convTable {
		key := fmt.Sprintf("(%d,%d)", r.typ, r.n)
		info := r.typ.Info()
		if info == nil {
			t.Errorf("%s: type %d not in the event table", key, r.typ)
			continue
		}
		if info.Enum != r.name {
			t.Errorf("%s: type %d is %s in the event table, the rule says %s", key, r.typ, info.Enum, r.name)
		}
		if info.Flags&event.ConverterManaged == 0 {
			t.Errorf("%s %s: type not flagged ConverterManaged, the rule can never apply", key, r.name)
		}
		k := [2]int{int(r.typ), int(r.n)}
		if seen[k] {
			t.Errorf("%s %s: duplicate rule", key, r.name)
		}
		seen[k] = true
		switch r.act {
		case actPass, actStore, actStoreAndPass:
			if len(r.steps) != 0 || r.to != 0 {
				t.Errorf("%s %s: %v rule with steps or a target type", key, r.name, r.act)
			}
			if r.typ.Dir() != event.Enter {
				t.Errorf("%s %s: %v rule on an exit event", key, r.name, r.act)
			}
		case actAdd:
			if len(r.steps) == 0 || r.to != 0 {
				t.Errorf("%s %s: add rule without steps or with a target type", key, r.name)
			}
		case actChangeType:
			to := r.to.Info()
			if to == nil {
				t.Errorf("%s %s: target type %d unknown", key, r.name, r.to)
				continue
			}
			if r.to.Dir() != r.typ.Dir() {
				t.Errorf("%s %s: changes direction to %s", key, r.name, to.Enum)
			}
		default:
			t.Errorf("%s %s: unknown action %d", key, r.name, r.act)
		}
		if int(r.n) > len(info.Params) && !(r.act == actChangeType) {
			t.Errorf("%s %s: rule for %d params, the table has %d", key, r.name, r.n, len(info.Params))
		}
	}
}

// TestConvTableStepTypes checks every step against the parameter types:
// copies read a parameter that exists in the source layout and whose type
// fits the target; zero and fallback values are of types libs knows.
func TestConvTableStepTypes(t *testing.T) {
	for _, r := range convTable {
		if r.act != actAdd && r.act != actChangeType {
			continue
		}
		out := r.typ
		first := int(r.n)
		if r.act == actChangeType {
			out, first = r.to, 0
		}
		oi := out.Info()
		if got, want := first+len(r.steps), len(oi.Params); got > want {
			t.Errorf("%s/%d: fills %d params, %s has %d", r.name, r.n, got, oi.Enum, want)
			continue
		}
		for k, st := range r.steps {
			pos := first + k
			target := oi.Params[pos].Type
			where := fmt.Sprintf("%s/%d step %d -> %s.%s (%s)", r.name, r.n, k, oi.Enum, oi.Params[pos].Name, target)
			var src event.ParamType
			switch st.src {
			case srcOld:
				ps := r.typ.Info().Params
				if int(st.idx) >= int(r.n) || int(st.idx) >= len(ps) {
					t.Errorf("%s: takes old param %d of a %d-param event", where, st.idx, r.n)
					continue
				}
				src = ps[st.idx].Type
			case srcEnter:
				ps := (r.typ - 1).Info().Params
				if int(st.idx) >= len(ps) {
					t.Errorf("%s: takes enter param %d, %s has %d", where, st.idx, (r.typ - 1).Info().Enum, len(ps))
					continue
				}
				src = ps[st.idx].Type
				if _, known := convZeroValue(target); !known && !st.orEmpty {
					t.Errorf("%s: no zero value for the missing-enter case", where)
				}
			case srcZero:
				if _, known := convZeroValue(target); !known {
					t.Errorf("%s: libs has no zero value for this type", where)
				}
				continue
			case srcEmpty, srcContainerJSON:
				continue
			}
			if _, known := convMaxLen(target, oi.LenWidth()); !known {
				t.Errorf("%s: libs copies nothing into this type", where)
			}
			if src != target && !convCompatible(src, target) {
				key := fmt.Sprintf("%d:%d", out, pos)
				if _, ok := convTypeMismatchOK[key]; !ok {
					t.Errorf("%s: copied from a %s param [%s]", where, src, key)
				}
			}
		}
	}
}

// convCompatible reports whether a value of type a reads correctly as type
// b: same size and meaning up to naming (flags vs enum, path kinds).
func convCompatible(a, b event.ParamType) bool {
	class := func(t event.ParamType) string {
		switch t {
		case event.PTCharbuf, event.PTFSPath, event.PTFSRelPath:
			return "string"
		}
		if n := t.FixedSize(); n > 0 {
			return fmt.Sprintf("fixed%d", n)
		}
		return t.String()
	}
	return class(a) == class(b)
}

// TestConvTableCoversManagedTypes checks that every type the event table
// flags as managed by the converter has a rule or a stated reason.
func TestConvTableCoversManagedTypes(t *testing.T) {
	has := map[event.Type]bool{}
	for _, r := range convTable {
		has[r.typ] = true
	}
	var missing []string
	for i := 0; i < event.NumTypes(); i++ {
		ty := event.Type(i)
		if ty.Info().Flags&event.ConverterManaged == 0 || has[ty] {
			continue
		}
		if _, ok := convNoRuleNeeded[ty]; !ok {
			missing = append(missing, fmt.Sprintf("%d %s", i, ty.Info().Enum))
		}
	}
	if len(missing) > 0 {
		t.Errorf("managed types without a rule or a reason:\n%v", missing)
	}
	for ty, why := range convNoRuleNeeded {
		if has[ty] {
			t.Errorf("type %d is listed as needing no rule (%s) but has one", ty, why)
		}
	}
}

// convTestParam returns a plausible value for a parameter of type pt, made
// distinct by seed.
func convTestParam(pt event.ParamType, seed int) []byte {
	if n := pt.FixedSize(); n > 0 {
		v := make([]byte, n)
		for i := range v {
			v[i] = byte(seed + i + 1)
		}
		return v
	}
	switch pt {
	case event.PTCharbuf, event.PTFSPath, event.PTFSRelPath:
		return append([]byte(fmt.Sprintf("/s%d", seed)), 0)
	case event.PTSockaddr:
		return []byte{2, 127, 0, 0, byte(seed), 0x50, 0}
	case event.PTSocktuple:
		return []byte{2, 10, 0, 0, 1, 1, 2, 10, 0, 0, byte(seed), 0, 80}
	case event.PTFDList:
		return []byte{0, 0}
	case event.PTDyn:
		v := make([]byte, 9)
		v[1] = byte(seed)
		return v
	}
	return []byte(fmt.Sprintf("b%d", seed))
}

// convTestEvent builds an event of type ty with n parameters of the types
// the table gives (params past the table are byte buffers).
func convTestEvent(t *testing.T, ty event.Type, n int, tid int64, seed int) *event.Event {
	t.Helper()
	var b event.Builder
	b.Reset(ty, 1_000_000+uint64(seed), tid)
	ps := ty.Info().Params
	for i := 0; i < n; i++ {
		pt := event.PTBytebuf
		if i < len(ps) {
			pt = ps[i].Type
		}
		if ty == 228 && i == 1 { // container type: a 4-byte number
			pt = event.PTUint32
		}
		b.Raw(convTestParam(pt, seed*32+i))
	}
	var e event.Event
	if err := b.Build(&e); err != nil {
		t.Fatalf("build %s/%d: %v", ty.Info().Enum, n, err)
	}
	var own event.Event
	e.Clone(&own)
	return &own
}

// TestConvTableEveryRuleConverges feeds one event per rule key, once with
// and once without the matching enter event stored, and checks that what
// comes out is current: an exit event has exactly the parameters of its
// final type, each of a length its type allows.
func TestConvTableEveryRuleConverges(t *testing.T) {
	type outcome struct{ delivered, stored int }
	got := map[string]outcome{}
	for _, r := range convTable {
		for _, withEnter := range []bool{false, true} {
			name := fmt.Sprintf("%s/%d/enter=%v", r.name, r.n, withEnter)
			c := NewConverter()
			if withEnter && r.typ.Dir() == event.Exit {
				enter := r.typ - 1
				en := convTestEvent(t, enter, len(enter.Info().Params), 7, 3)
				if _, _, err := c.Convert(en); err != nil {
					t.Errorf("%s: store enter %s: %v", name, enter.Info().Enum, err)
					continue
				}
			}
			in := convTestEvent(t, r.typ, int(r.n), 7, 1)
			out, ok, err := c.Convert(in)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			o := got[r.name]
			if !ok {
				o.stored++
				got[r.name] = o
				// Only enter events end up kept (possibly after being
				// completed first, as seccomp's).
				if r.typ.Dir() != event.Enter || c.Stats().EnterDropped != 1 {
					t.Errorf("%s: nothing delivered by a %v rule, stats %+v", name, r.act, c.Stats())
				}
				continue
			}
			o.delivered++
			got[r.name] = o
			convCheckCurrent(t, name, out)
			if convUsesEnter(r) {
				want := uint64(1)
				if withEnter && convStoresEnter(r.typ-1) {
					want = 0
				}
				if got := c.Stats().NoEnter; got != want {
					t.Errorf("%s: NoEnter = %d, want %d", name, got, want)
				}
			}
			if out.TID() != in.TID() || out.Timestamp() != in.Timestamp() {
				t.Errorf("%s: header changed: tid %d ts %d", name, out.TID(), out.Timestamp())
			}
		}
	}
	if len(got) == 0 {
		t.Fatal("no rule exercised")
	}
}

func convUsesEnter(r convRule) bool {
	for _, st := range r.steps {
		if st.src == srcEnter {
			return true
		}
	}
	return false
}

// convStoresEnter reports whether an enter event of type ty with the
// table's parameters is stored.
func convStoresEnter(ty event.Type) bool {
	r := convLookup(ty, len(ty.Info().Params))
	return r != nil && (r.act == actStore || r.act == actStoreAndPass)
}

// convCheckCurrent checks that e is as a current driver writes it.
func convCheckCurrent(t *testing.T, name string, e *event.Event) {
	t.Helper()
	info := e.Info()
	if info.Flags&event.OldVersion != 0 {
		// The table itself passes a few old enter events on.
		if r := convLookup(e.Type(), e.StoredParams()); r == nil || (r.act != actStoreAndPass && r.act != actPass) {
			t.Errorf("%s: delivered old type %s", name, info.Enum)
		}
	}
	if e.StoredParams() != len(info.Params) {
		t.Errorf("%s: %s with %d params, table has %d", name, info.Enum, e.StoredParams(), len(info.Params))
		return
	}
	for i, p := range info.Params {
		l := len(e.Param(i))
		if n := p.Type.FixedSize(); n > 0 && l != 0 && l != n {
			t.Errorf("%s: %s.%s (%s) is %d bytes", name, info.Enum, p.Name, p.Type, l)
		}
	}
}

// TestConvZeroValues pins the values libs writes when it has nothing.
func TestConvZeroValues(t *testing.T) {
	tests := []struct {
		pt   event.ParamType
		want []byte
	}{
		{event.PTUID, []byte{0xff, 0xff, 0xff, 0xff}},
		{event.PTGID, []byte{0xff, 0xff, 0xff, 0xff}},
		{event.PTSockaddr, []byte{0}},
		{event.PTErrno, make([]byte, 8)},
		{event.PTFD, make([]byte, 8)},
		{event.PTUint32, make([]byte, 4)},
		{event.PTSigType, []byte{0}},
		{event.PTSyscallID, []byte{0, 0}},
		{event.PTCharbuf, nil},
		{event.PTSocktuple, nil},
	}
	for _, tt := range tests {
		got, known := convZeroValue(tt.pt)
		if !known || !cmp.Equal(got, tt.want, cmp.Comparer(func(a, b []byte) bool { return string(a) == string(b) })) {
			t.Errorf("zero %s = %v (known %v), want %v", tt.pt, got, known, tt.want)
		}
	}
}

// TestConvTableSummary logs the table by action, for the record.
func TestConvTableSummary(t *testing.T) {
	count := map[string]int{}
	for _, r := range convTable {
		count[r.act.String()]++
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-12s %d rules", k, count[k])
	}
	t.Logf("total %d rules", len(convTable))
}
