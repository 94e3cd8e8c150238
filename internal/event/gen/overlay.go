package main

// flagTables names, for each flags, enum or mode parameter, the FlagTable
// variable of package event that holds its symbolic names (the third field
// of a param in libs' event_table.c). These are facts about the libs
// interface, written down here because the JSON dump does not carry them.
//
// Where they come from: for events sysdig 0.29.3 knows, the table its libs
// (March 2022) attach, read from that build's event table; for parameters
// that current libs moved from an enter event to its exit event, the table
// of the enter event's parameter; for newer events, current libs' table as
// far as the libs sources we could read show it (see flagnames_new.go in
// package event). Parameters with no known table are listed, with the
// reason, in the allow-list of package event's flag table test.
var flagTables = map[key]string{
	{"PPME_SYSCALL_OPEN_E", "flags"}:               "fileFlags",
	{"PPME_SYSCALL_OPEN_X", "flags"}:               "fileFlags",
	{"PPME_SYSCALL_CLONE_11_X", "flags"}:           "cloneFlags",
	{"PPME_SOCKET_SOCKET_E", "domain"}:             "socketFamilies",
	{"PPME_SOCKET_SOCKET_X", "domain"}:             "socketFamilies",
	{"PPME_SOCKET_SHUTDOWN_E", "how"}:              "shutdownHow",
	{"PPME_SOCKET_SHUTDOWN_X", "how"}:              "shutdownHow",
	{"PPME_SOCKET_SOCKETPAIR_E", "domain"}:         "socketFamilies",
	{"PPME_SOCKET_SOCKETPAIR_X", "domain"}:         "socketFamilies",
	{"PPME_SOCKET_SETSOCKOPT_X", "level"}:          "sockoptLevels",
	{"PPME_SOCKET_SETSOCKOPT_X", "optname"}:        "sockoptOptions",
	{"PPME_SOCKET_GETSOCKOPT_X", "level"}:          "sockoptLevels",
	{"PPME_SOCKET_GETSOCKOPT_X", "optname"}:        "sockoptOptions",
	{"PPME_SYSCALL_FUTEX_E", "op"}:                 "futexOperations",
	{"PPME_SYSCALL_FUTEX_X", "op"}:                 "futexOperations",
	{"PPME_SYSCALL_LSEEK_E", "whence"}:             "lseekWhence",
	{"PPME_SYSCALL_LSEEK_X", "whence"}:             "lseekWhence",
	{"PPME_SYSCALL_LLSEEK_E", "whence"}:            "lseekWhence",
	{"PPME_SYSCALL_LLSEEK_X", "whence"}:            "lseekWhence",
	{"PPME_SYSCALL_OPENAT_E", "flags"}:             "fileFlags",
	{"PPME_SYSCALL_GETRLIMIT_E", "resource"}:       "rlimitResources",
	{"PPME_SYSCALL_GETRLIMIT_X", "resource"}:       "rlimitResources",
	{"PPME_SYSCALL_SETRLIMIT_E", "resource"}:       "rlimitResources",
	{"PPME_SYSCALL_SETRLIMIT_X", "resource"}:       "rlimitResources",
	{"PPME_SYSCALL_PRLIMIT_E", "resource"}:         "rlimitResources",
	{"PPME_SYSCALL_PRLIMIT_X", "resource"}:         "rlimitResources",
	{"PPME_SYSCALL_FCNTL_E", "cmd"}:                "fcntlCommands",
	{"PPME_SYSCALL_FCNTL_X", "cmd"}:                "fcntlCommands",
	{"PPME_SYSCALL_CLONE_16_X", "flags"}:           "cloneFlags",
	{"PPME_SYSCALL_MMAP_E", "prot"}:                "protFlags",
	{"PPME_SYSCALL_MMAP_E", "flags"}:               "mmapFlags",
	{"PPME_SYSCALL_MMAP_X", "prot"}:                "protFlags",
	{"PPME_SYSCALL_MMAP_X", "flags"}:               "mmapFlags",
	{"PPME_SYSCALL_MMAP2_E", "prot"}:               "protFlags",
	{"PPME_SYSCALL_MMAP2_E", "flags"}:              "mmapFlags",
	{"PPME_SYSCALL_MMAP2_X", "prot"}:               "protFlags",
	{"PPME_SYSCALL_MMAP2_X", "flags"}:              "mmapFlags",
	{"PPME_SYSCALL_SPLICE_E", "flags"}:             "spliceFlags",
	{"PPME_SYSCALL_SPLICE_X", "flags"}:             "spliceFlags",
	{"PPME_SYSCALL_PTRACE_E", "request"}:           "ptraceRequests",
	{"PPME_SYSCALL_PTRACE_X", "request"}:           "ptraceRequests",
	{"PPME_SYSCALL_FORK_X", "flags"}:               "cloneFlags",
	{"PPME_SYSCALL_VFORK_X", "flags"}:              "cloneFlags",
	{"PPME_SYSCALL_QUOTACTL_E", "cmd"}:             "quotactlCmds",
	{"PPME_SYSCALL_QUOTACTL_E", "type"}:            "quotactlTypes",
	{"PPME_SYSCALL_QUOTACTL_E", "quota_fmt"}:       "quotactlQuotaFmts",
	{"PPME_SYSCALL_QUOTACTL_X", "dqi_flags"}:       "quotactlDqiFlags",
	{"PPME_SYSCALL_QUOTACTL_X", "quota_fmt_out"}:   "quotactlQuotaFmts",
	{"PPME_SYSCALL_QUOTACTL_X", "cmd"}:             "quotactlCmds",
	{"PPME_SYSCALL_QUOTACTL_X", "type"}:            "quotactlTypes",
	{"PPME_SYSCALL_QUOTACTL_X", "quota_fmt"}:       "quotactlQuotaFmts",
	{"PPME_SYSCALL_CLONE_17_X", "flags"}:           "cloneFlags",
	{"PPME_SYSCALL_FORK_17_X", "flags"}:            "cloneFlags",
	{"PPME_SYSCALL_VFORK_17_X", "flags"}:           "cloneFlags",
	{"PPME_SYSCALL_CLONE_20_X", "flags"}:           "cloneFlags",
	{"PPME_SYSCALL_FORK_20_X", "flags"}:            "cloneFlags",
	{"PPME_SYSCALL_VFORK_20_X", "flags"}:           "cloneFlags",
	{"PPME_SYSCALL_SETNS_E", "nstype"}:             "cloneFlags",
	{"PPME_SYSCALL_SETNS_X", "nstype"}:             "cloneFlags",
	{"PPME_SYSCALL_FLOCK_E", "operation"}:          "flockFlags",
	{"PPME_SYSCALL_FLOCK_X", "operation"}:          "flockFlags",
	{"PPME_SYSCALL_SEMOP_X", "sem_flg_0"}:          "semopFlags",
	{"PPME_SYSCALL_SEMOP_X", "sem_flg_1"}:          "semopFlags",
	{"PPME_SYSCALL_SEMCTL_E", "cmd"}:               "semctlCommands",
	{"PPME_SYSCALL_SEMCTL_X", "cmd"}:               "semctlCommands",
	{"PPME_SYSCALL_MOUNT_E", "flags"}:              "mountFlags",
	{"PPME_SYSCALL_MOUNT_X", "flags"}:              "mountFlags",
	{"PPME_SYSCALL_UMOUNT_E", "flags"}:             "umountFlags",
	{"PPME_SYSCALL_SEMGET_E", "semflg"}:            "semgetFlags",
	{"PPME_SYSCALL_SEMGET_X", "semflg"}:            "semgetFlags",
	{"PPME_SYSCALL_ACCESS_E", "mode"}:              "accessFlags",
	{"PPME_SYSCALL_ACCESS_X", "mode"}:              "accessFlags",
	{"PPME_SYSCALL_UNSHARE_E", "flags"}:            "cloneFlags",
	{"PPME_SYSCALL_UNSHARE_X", "flags"}:            "cloneFlags",
	{"PPME_PAGE_FAULT_E", "error"}:                 "pfFlags",
	{"PPME_SYSCALL_EXECVE_19_X", "flags"}:          "execveFlags",
	{"PPME_SYSCALL_UNLINKAT_2_X", "flags"}:         "unlinkatFlags",
	{"PPME_SYSCALL_OPENAT_2_E", "flags"}:           "fileFlags",
	{"PPME_SYSCALL_OPENAT_2_X", "flags"}:           "fileFlags",
	{"PPME_SYSCALL_LINKAT_2_X", "flags"}:           "linkatFlags",
	{"PPME_SYSCALL_FCHMODAT_X", "mode"}:            "chmodMode",
	{"PPME_SYSCALL_CHMOD_X", "mode"}:               "chmodMode",
	{"PPME_SYSCALL_FCHMOD_X", "mode"}:              "chmodMode",
	{"PPME_SYSCALL_RENAMEAT2_X", "flags"}:          "renameat2Flags",
	{"PPME_SYSCALL_USERFAULTFD_X", "flags"}:        "fileFlags",
	{"PPME_SYSCALL_OPENAT2_E", "flags"}:            "fileFlags",
	{"PPME_SYSCALL_OPENAT2_E", "resolve"}:          "openat2Flags",
	{"PPME_SYSCALL_OPENAT2_X", "flags"}:            "fileFlags",
	{"PPME_SYSCALL_OPENAT2_X", "resolve"}:          "openat2Flags",
	{"PPME_SYSCALL_MPROTECT_E", "prot"}:            "protFlags",
	{"PPME_SYSCALL_MPROTECT_X", "prot"}:            "protFlags",
	{"PPME_SYSCALL_EXECVEAT_E", "flags"}:           "execveatFlags",
	{"PPME_SYSCALL_EXECVEAT_X", "flags"}:           "execveFlags",
	{"PPME_SYSCALL_CLONE3_X", "flags"}:             "cloneFlags",
	{"PPME_SYSCALL_OPEN_BY_HANDLE_AT_X", "flags"}:  "fileFlags",
	{"PPME_SYSCALL_IO_URING_SETUP_X", "flags"}:     "ioUringSetupFlags",
	{"PPME_SYSCALL_IO_URING_SETUP_X", "features"}:  "ioUringSetupFeats",
	{"PPME_SYSCALL_IO_URING_ENTER_X", "flags"}:     "ioUringEnterFlags",
	{"PPME_SYSCALL_IO_URING_REGISTER_X", "opcode"}: "ioUringRegisterOpcodes",
	{"PPME_SYSCALL_MLOCKALL_X", "flags"}:           "mlockallFlags",
	{"PPME_SYSCALL_DUP3_X", "flags"}:               "fileFlags",
	{"PPME_SYSCALL_BPF_2_X", "cmd"}:                "bpfCommands",
	{"PPME_SYSCALL_MLOCK2_X", "flags"}:             "mlock2Flags",
	{"PPME_SYSCALL_FSCONFIG_X", "cmd"}:             "fsconfigCmds",
	{"PPME_SYSCALL_EPOLL_CREATE1_E", "flags"}:      "epollCreate1Flags",
	{"PPME_SYSCALL_EPOLL_CREATE1_X", "flags"}:      "epollCreate1Flags",
	{"PPME_SYSCALL_FCHOWNAT_X", "flags"}:           "fchownatFlags",
	{"PPME_SYSCALL_UMOUNT2_E", "flags"}:            "umountFlags",
	{"PPME_SYSCALL_UMOUNT2_X", "flags"}:            "umountFlags",
	{"PPME_SYSCALL_PIPE2_X", "flags"}:              "fileFlags",
	{"PPME_SYSCALL_INOTIFY_INIT1_X", "flags"}:      "fileFlags",
	{"PPME_SYSCALL_EVENTFD2_X", "flags"}:           "fileFlags",
	{"PPME_SYSCALL_SIGNALFD4_X", "flags"}:          "fileFlags",
	{"PPME_SYSCALL_PRCTL_X", "option"}:             "prctlOptions",
	{"PPME_SYSCALL_MEMFD_CREATE_X", "flags"}:       "memfdCreateFlags",
	{"PPME_SYSCALL_PIDFD_OPEN_X", "flags"}:         "pidfdOpenFlags",
	{"PPME_SYSCALL_FINIT_MODULE_X", "flags"}:       "finitModuleFlags",
	{"PPME_SYSCALL_MKNOD_X", "mode"}:               "mknodMode",
	{"PPME_SYSCALL_MKNODAT_X", "mode"}:             "mknodMode",
	{"PPME_SYSCALL_NEWFSTATAT_X", "flags"}:         "newfstatatFlags",
	{"PPME_SYSCALL_DELETE_MODULE_X", "flags"}:      "deleteModuleFlags",
}

// dynTables gives, for each PT_DYN parameter, the Go expression of its
// []ParamType by index byte (libs' driver/dynamic_params_table.c). The
// print format of the selected value is the dynamic parameter's own.
var dynTables = map[key]string{
	// sockopt_dynamic_param: PPM_SOCKOPT_IDX_UNKNOWN (raw bytes), _ERRNO,
	// _UINT32, _UINT64, _TIMEVAL (a relative time).
	{"PPME_SOCKET_SETSOCKOPT_X", "val"}: sockoptDyn,
	{"PPME_SOCKET_GETSOCKOPT_X", "val"}: sockoptDyn,
	// ptrace_dynamic_param: PPM_PTRACE_IDX_UINT64, _SIGTYPE.
	{"PPME_SYSCALL_PTRACE_X", "addr"}: ptraceDyn,
	{"PPME_SYSCALL_PTRACE_X", "data"}: ptraceDyn,
	// bpf_dynamic_param: PPM_BPF_IDX_FD, _RES.
	{"PPME_SYSCALL_BPF_X", "res_or_fd"}: "[]ParamType{PTFD, PTErrno}",
	// keyctl: PPM_KEYCTL_IDX_INT64, _CHARBUF.
	{"PPME_SYSCALL_KEYCTL_X", "arg2"}: keyctlDyn,
	{"PPME_SYSCALL_KEYCTL_X", "arg3"}: keyctlDyn,
	{"PPME_SYSCALL_KEYCTL_X", "arg4"}: keyctlDyn,
	{"PPME_SYSCALL_KEYCTL_X", "arg5"}: keyctlDyn,
}

const (
	sockoptDyn = "[]ParamType{PTBytebuf, PTErrno, PTUint32, PTUint64, PTRelTime}"
	ptraceDyn  = "[]ParamType{PTUint64, PTSigType}"
	keyctlDyn  = "[]ParamType{PTInt64, PTCharbuf}"
)
