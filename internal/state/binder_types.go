package state

import "peregrine/internal/event"

// Event types the extractors treat specially, by their number in the
// event table (append-only upstream, so the numbers never change). Their
// libs enum names are checked by TestBinderTypeNumbers.
const (
	typeConnectX        event.Type = 23  // SOCKET_CONNECT_X
	typeAcceptX         event.Type = 27  // SOCKET_ACCEPT_X
	typeAccept4X        event.Type = 57  // SOCKET_ACCEPT4_X
	typeCreatX          event.Type = 59  // SYSCALL_CREAT_X
	typeOpenX           event.Type = 3   // SYSCALL_OPEN_X
	typePollE           event.Type = 80  // SYSCALL_POLL_E
	typePollX           event.Type = 81  // SYSCALL_POLL_X
	typeOpenatX         event.Type = 103 // SYSCALL_OPENAT_X (old layout)
	typeSchedSwitch1E   event.Type = 146 // SCHEDSWITCH_1_E
	typeSchedSwitch6E   event.Type = 152 // SCHEDSWITCH_6_E
	typeRenameX         event.Type = 175 // SYSCALL_RENAME_X
	typeRenameatX       event.Type = 177 // SYSCALL_RENAMEAT_X
	typeSymlinkX        event.Type = 179 // SYSCALL_SYMLINK_X
	typeSymlinkatX      event.Type = 181 // SYSCALL_SYMLINKAT_X
	typeQuotactlX       event.Type = 191 // SYSCALL_QUOTACTL_X
	typeProcinfoE       event.Type = 234 // PROCINFO_E
	typeAccept5X        event.Type = 247 // SOCKET_ACCEPT_5_X
	typeAccept45X       event.Type = 249 // SOCKET_ACCEPT4_5_X
	typePpollE          event.Type = 254 // SYSCALL_PPOLL_E
	typePpollX          event.Type = 255 // SYSCALL_PPOLL_X
	typeMountX          event.Type = 257 // SYSCALL_MOUNT_X
	typeUmountX         event.Type = 259 // SYSCALL_UMOUNT_X
	typeContainerJSONE  event.Type = 272 // CONTAINER_JSON_E
	typeMkdir2X         event.Type = 277 // SYSCALL_MKDIR_2_X
	typeRmdir2X         event.Type = 279 // SYSCALL_RMDIR_2_X
	typeUnlink2X        event.Type = 301 // SYSCALL_UNLINK_2_X
	typeUnlinkat2X      event.Type = 303 // SYSCALL_UNLINKAT_2_X
	typeMkdiratX        event.Type = 305 // SYSCALL_MKDIRAT_X
	typeOpenatNewX      event.Type = 307 // SYSCALL_OPENAT_2_X
	typeLink2X          event.Type = 309 // SYSCALL_LINK_2_X
	typeLinkat2X        event.Type = 311 // SYSCALL_LINKAT_2_X
	typeFchmodatX       event.Type = 313 // SYSCALL_FCHMODAT_X
	typeChmodX          event.Type = 315 // SYSCALL_CHMOD_X
	typeFchmodX         event.Type = 317 // SYSCALL_FCHMOD_X
	typeRenameat2X      event.Type = 319 // SYSCALL_RENAMEAT2_X
	typeContainerJSON2E event.Type = 324 // CONTAINER_JSON_2_E
	typeOpenat2X        event.Type = 327 // SYSCALL_OPENAT2_X
	typeOpenByHandleAtX event.Type = 337 // SYSCALL_OPEN_BY_HANDLE_AT_X
	typeChownX          event.Type = 379 // SYSCALL_CHOWN_X
	typeLchownX         event.Type = 381 // SYSCALL_LCHOWN_X
	typeFchownX         event.Type = 383 // SYSCALL_FCHOWN_X
	typeFchownatX       event.Type = 385 // SYSCALL_FCHOWNAT_X
	typeUmount1X        event.Type = 387 // SYSCALL_UMOUNT_1_X
	typeAccept46X       event.Type = 389 // SOCKET_ACCEPT4_6_X
	typeUmount2X        event.Type = 391 // SYSCALL_UMOUNT2_X
	typeAsyncEventE     event.Type = 402 // ASYNCEVENT_E
)

// argIndex returns the index of e's parameter called name, or -1.
func argIndex(e *event.Event, name string) int {
	info := e.Info()
	if info == nil {
		return -1
	}
	i := info.ParamIndex(name)
	if i >= 0 && !e.Has(i) {
		return -1
	}
	return i
}

// argInt returns the integer parameter called name.
func argInt(e *event.Event, name string) (int64, bool) {
	i := argIndex(e, name)
	if i < 0 {
		return 0, false
	}
	v, _ := e.Value(i)
	return v.Int()
}

// argStr returns the string parameter called name; ok is false when the
// event has none or it is empty.
func argStr(e *event.Event, name string) ([]byte, bool) {
	i := argIndex(e, name)
	if i < 0 {
		return nil, false
	}
	v, _ := e.Value(i)
	s := v.Str()
	return s, s != nil
}
