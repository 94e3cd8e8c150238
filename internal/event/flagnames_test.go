package event

import "testing"

// noNames lists the flags and enum parameters of the table that carry no
// name table, each with the reason. Every other FLAGS*, ENUMFLAGS* and
// MODE parameter must have one. (Parameters that libs leaves without a
// table, such as eventfd's flags, are typed UINT* in the current table and
// so are not flags parameters here; sysdig 0.29.3's table typed some of
// them FLAGS* without names, which prints the same bare number.)
var noNames = map[[2]string]string{
	// Parameters whose table current libs has but the sources we could
	// read do not show: the names are unknown, so the value prints bare.
	{"SOCKET_SOCKET_X", "flags"}:               "socket type flags on socket's exit event; no table in the libs sources we could read",
	{"SYSCALL_CREAT_X", "creat_flags"}:         "O_F_CREATED-style flags; no table in the libs sources we could read",
	{"SYSCALL_CLOSE_RANGE_X", "flags"}:         "newer than the libs sources we could read; PPM_CLOSE_RANGE_* values unknown",
	{"ITER_TASK_E", "flags"}:                   "iterator event (newer than the sources we could read): thread flags",
	{"ITER_TASK_FILE_REGULAR_E", "flags"}:      "iterator event (newer than the sources we could read): open flags",
	{"ITER_TASK_FILE_ANON_INODE_E", "fd_type"}: "iterator event (newer than the sources we could read): anon inode kind",
	{"SYSCALL_KEYCTL_X", "operation"}:          "keyctl is newer than the sources we could read; PPM_KEYCTL_* values unknown",
}

func isFlagsType(t ParamType) bool {
	switch t {
	case PTFlags8, PTFlags16, PTFlags32, PTEnumFlags8, PTEnumFlags16, PTEnumFlags32, PTMode:
		return true
	}
	return false
}

func TestEveryFlagsParamHasNames(t *testing.T) {
	for typ := range NumTypes() {
		info := Type(typ).Info()
		for _, p := range info.Params {
			if !isFlagsType(p.Type) {
				if p.Names != nil {
					t.Errorf("%s %s: %v parameter has a name table", info.Enum, p.Name, p.Type)
				}
				continue
			}
			_, allowed := noNames[[2]string{info.Enum, p.Name}]
			switch {
			case p.Names == nil && !allowed:
				t.Errorf("%s %s (%v): no name table and not in the allow-list", info.Enum, p.Name, p.Type)
			case p.Names != nil && allowed:
				t.Errorf("%s %s: has table %s but is in the allow-list", info.Enum, p.Name, p.Names.Name)
			}
		}
	}
}

// TestNoNamesAllowListIsCurrent keeps the allow-list honest: every entry
// names a flags parameter of the table.
func TestNoNamesAllowListIsCurrent(t *testing.T) {
	found := map[[2]string]bool{}
	for typ := range NumTypes() {
		info := Type(typ).Info()
		for _, p := range info.Params {
			if isFlagsType(p.Type) {
				found[[2]string{info.Enum, p.Name}] = true
			}
		}
	}
	for k, why := range noNames {
		if !found[k] {
			t.Errorf("allow-list entry %v (%s) is not a flags parameter of the table", k, why)
		}
	}
}

func TestFlagTablesWellFormed(t *testing.T) {
	seen := map[*FlagTable]bool{}
	for typ := range NumTypes() {
		for _, p := range Type(typ).Info().Params {
			if p.Names != nil {
				seen[p.Names] = true
			}
		}
	}
	if len(seen) < 40 {
		t.Errorf("only %d distinct flag tables attached", len(seen))
	}
	for tab := range seen {
		if tab.Name == "" || len(tab.Entries) == 0 {
			t.Errorf("table %q has no name or no entries", tab.Name)
		}
		for _, e := range tab.Entries {
			if e.Name == "" {
				t.Errorf("table %s: entry with value %#x has no name", tab.Name, e.Value)
			}
		}
	}
}
