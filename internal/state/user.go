package state

// User is a user account, as the capture's user list or /etc/passwd (of
// the host or of a container's root) gives it.
type User struct {
	UID   uint32
	GID   uint32
	Name  string
	Home  string
	Shell string
}

// Group is a group, as the capture's user list or /etc/group gives it.
type Group struct {
	GID  uint32
	Name string
}
