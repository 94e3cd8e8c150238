package state

import "peregrine/internal/event"

// typeEnums maps the type constants of binder_types.go and of the tests
// to their libs enum names, for the test that keeps them honest.
var typeEnums = map[event.Type]string{
	typeConnectX: "SOCKET_CONNECT_X", typeAcceptX: "SOCKET_ACCEPT_X", typeAccept4X: "SOCKET_ACCEPT4_X",
	typeCreatX: "SYSCALL_CREAT_X", typeOpenX: "SYSCALL_OPEN_X", typePollE: "SYSCALL_POLL_E",
	typePollX: "SYSCALL_POLL_X", typeOpenatX: "SYSCALL_OPENAT_X", typeSchedSwitch1E: "SCHEDSWITCH_1_E",
	typeSchedSwitch6E: "SCHEDSWITCH_6_E", typeRenameX: "SYSCALL_RENAME_X", typeRenameatX: "SYSCALL_RENAMEAT_X",
	typeSymlinkX: "SYSCALL_SYMLINK_X", typeSymlinkatX: "SYSCALL_SYMLINKAT_X", typeQuotactlX: "SYSCALL_QUOTACTL_X",
	typeProcinfoE: "PROCINFO_E", typeAccept5X: "SOCKET_ACCEPT_5_X", typeAccept45X: "SOCKET_ACCEPT4_5_X",
	typePpollE: "SYSCALL_PPOLL_E", typePpollX: "SYSCALL_PPOLL_X", typeMountX: "SYSCALL_MOUNT_X",
	typeUmountX: "SYSCALL_UMOUNT_X", typeContainerJSONE: "CONTAINER_JSON_E", typeMkdir2X: "SYSCALL_MKDIR_2_X",
	typeRmdir2X: "SYSCALL_RMDIR_2_X", typeUnlink2X: "SYSCALL_UNLINK_2_X", typeUnlinkat2X: "SYSCALL_UNLINKAT_2_X",
	typeMkdiratX: "SYSCALL_MKDIRAT_X", typeOpenatNewX: "SYSCALL_OPENAT_2_X", typeLink2X: "SYSCALL_LINK_2_X",
	typeLinkat2X: "SYSCALL_LINKAT_2_X", typeFchmodatX: "SYSCALL_FCHMODAT_X", typeChmodX: "SYSCALL_CHMOD_X",
	typeFchmodX: "SYSCALL_FCHMOD_X", typeRenameat2X: "SYSCALL_RENAMEAT2_X", typeContainerJSON2E: "CONTAINER_JSON_2_E",
	typeOpenat2X: "SYSCALL_OPENAT2_X", typeOpenByHandleAtX: "SYSCALL_OPEN_BY_HANDLE_AT_X", typeChownX: "SYSCALL_CHOWN_X",
	typeLchownX: "SYSCALL_LCHOWN_X", typeFchownX: "SYSCALL_FCHOWN_X", typeFchownatX: "SYSCALL_FCHOWNAT_X",
	typeUmount1X: "SYSCALL_UMOUNT_1_X", typeAccept46X: "SOCKET_ACCEPT4_6_X", typeUmount2X: "SYSCALL_UMOUNT2_X",
	typeAsyncEventE: "ASYNCEVENT_E",
	// Types only the tests build.
	typeCloseX: "SYSCALL_CLOSE_X", typeReadX: "SYSCALL_READ_X", typeWriteX: "SYSCALL_WRITE_X",
	typeGenericX: "GENERIC_X", typeMmapX: "SYSCALL_MMAP_X",
}
