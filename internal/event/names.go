package event

// TypesNamed returns the event types that evt.type calls name, in
// increasing order: every type of the table with that name (enter and exit,
// all layouts), or, for a system call that has no event type of its own,
// the two generic types (0 and 1), whose events carry the system call's id
// (see [Event.TypeName]). It returns nil for a name that is neither.
// Reserved table slots ("NA") have no name.
func TypesNamed(name string) []Type {
	if name == "" || name == "NA" || name == "syscall" {
		return nil
	}
	var out []Type
	for i := range table {
		if table[i].Name == name && table[i].Flags&Unused == 0 {
			out = append(out, Type(i))
		}
	}
	if out != nil {
		return out
	}
	for id := range syscallNames {
		if syscallNames[id] == name && name != "<unknown>" {
			return []Type{0, 1}
		}
	}
	return nil
}
