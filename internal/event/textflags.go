package event

// How libsinsp names a flags, enum or mode value (the part in parentheses
// of "flags=4097(O_RDONLY|O_CLOEXEC)"). The table is walked in its order;
// names are joined with "|"; a value that gets no name prints bare.
//
// Bitwise rule, for FLAGS* and MODE parameters: an entry matches when all
// its bits are still set in the value (a 0-valued entry only when the value
// is 0), and its bits are then cleared, so O_RDWR (3) taken first keeps
// O_RDONLY (1) from matching too. libsinsp 0.1.1 (sysdig 0.29.3) stops
// walking at the first entry equal to the whole value and appends that
// entry; current libs instead tests that entry like any other (against the
// bits left) and stops after it. The two differ only when an earlier entry
// shares bits with the exact one; libs orders its enum-like tables
// (socket families, fcntl commands, ...) from the highest value down so
// that the exact name wins. Mode tables use the 2022 rule in both.
//
// Exact rule, for ENUMFLAGS* parameters (current libs only; the 2022 table
// typed them FLAGS*): every entry equal to the value matches, so 1 in
// socket_families gives "AF_LOCAL|AF_UNIX".

// appendFlagsBitwise appends the names of val by the bitwise rule; stopAt
// selects the 2022 variant (stop at, then append, the exact entry).
func appendFlagsBitwise(dst []byte, tab *FlagTable, val uint32, stopAt bool) []byte {
	initial, sep := val, false
	for i := range tab.Entries {
		e := &tab.Entries[i]
		if stopAt && e.Value == initial {
			return appendFlagName(dst, e.Name, sep)
		}
		if (e.Value == 0 && initial == 0) || (e.Value != 0 && val&e.Value == e.Value && val != 0) {
			dst = appendFlagName(dst, e.Name, sep)
			sep = true
			val &^= e.Value
			if !stopAt && e.Value == initial {
				break
			}
		}
	}
	return dst
}

// appendFlagsExact appends the names of every entry equal to val.
func appendFlagsExact(dst []byte, tab *FlagTable, val uint32) []byte {
	sep := false
	for i := range tab.Entries {
		if tab.Entries[i].Value == val {
			dst = appendFlagName(dst, tab.Entries[i].Name, sep)
			sep = true
		}
	}
	return dst
}

func appendFlagName(dst []byte, name string, sep bool) []byte {
	if sep {
		dst = append(dst, '|')
	}
	return append(dst, name...)
}

// AppendNames appends to dst the names val gets in t by the bitwise rule
// of current libs ("O_RDONLY|O_CLOEXEC" for 4097 in file_flags).
func (t *FlagTable) AppendNames(dst []byte, val uint32) []byte {
	return appendFlagsBitwise(dst, t, val, false)
}

// Lookup returns the name of the first entry equal to val, for enum
// tables.
func (t *FlagTable) Lookup(val uint32) (string, bool) {
	for i := range t.Entries {
		if t.Entries[i].Value == val {
			return t.Entries[i].Name, true
		}
	}
	return "", false
}
