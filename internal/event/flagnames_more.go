package event

// More 2022 flag and enum name tables; see flagnames.go.

var mmapFlags = FlagTable{Name: "mmap_flags", Entries: []FlagName{
	{"MAP_SHARED", 1},
	{"MAP_PRIVATE", 2},
	{"MAP_FIXED", 4},
	{"MAP_ANONYMOUS", 8},
	{"MAP_32BIT", 0x10},
	{"MAP_RENAME", 0x20},
	{"MAP_NORESERVE", 0x40},
	{"MAP_POPULATE", 0x80},
	{"MAP_NONBLOCK", 0x100},
	{"MAP_GROWSDOWN", 0x200},
	{"MAP_DENYWRITE", 0x400},
	{"MAP_EXECUTABLE", 0x800},
	{"MAP_INHERIT", 0x1000},
	{"MAP_FILE", 0x2000},
	{"MAP_LOCKED", 0x4000},
}}

var mountFlags = FlagTable{Name: "mount_flags", Entries: []FlagName{
	{"RDONLY", 1},
	{"NOSUID", 2},
	{"NODEV", 4},
	{"NOEXEC", 8},
	{"SYNCHRONOUS", 0x10},
	{"REMOUNT", 0x20},
	{"MANDLOCK", 0x40},
	{"DIRSYNC", 0x80},
	{"NOATIME", 0x400},
	{"NODIRATIME", 0x800},
	{"BIND", 0x1000},
	{"MOVE", 0x2000},
	{"REC", 0x4000},
	{"SILENT", 0x8000},
	{"POSIXACL", 0x10000},
	{"UNBINDABLE", 0x20000},
	{"PRIVATE", 0x40000},
	{"SLAVE", 0x80000},
	{"SHARED", 0x100000},
	{"RELATIME", 0x200000},
	{"KERNMOUNT", 0x400000},
	{"I_VERSION", 0x800000},
	{"STRICTATIME", 0x1000000},
	{"LAZYTIME", 0x2000000},
	{"NOSEC", 0x10000000},
	{"BORN", 0x20000000},
	{"ACTIVE", 0x40000000},
	{"NOUSER", 0x80000000},
}}

var openat2Flags = FlagTable{Name: "openat2_flags", Entries: []FlagName{
	{"RESOLVE_BENEATH", 1},
	{"RESOLVE_IN_ROOT", 2},
	{"RESOLVE_NO_MAGICLINKS", 4},
	{"RESOLVE_NO_SYMLINKS", 8},
	{"RESOLVE_NO_XDEV", 0x10},
	{"RESOLVE_CACHED", 0x20},
}}

var pfFlags = FlagTable{Name: "pf_flags", Entries: []FlagName{
	{"PROTECTION_VIOLATION", 1},
	{"PAGE_NOT_PRESENT", 2},
	{"WRITE_ACCESS", 4},
	{"READ_ACCESS", 8},
	{"USER_FAULT", 0x10},
	{"SUPERVISOR_FAULT", 0x20},
	{"RESERVED_PAGE", 0x40},
	{"INSTRUCTION_FETCH", 0x80},
}}

var protFlags = FlagTable{Name: "prot_flags", Entries: []FlagName{
	{"PROT_READ", 1},
	{"PROT_WRITE", 2},
	{"PROT_EXEC", 4},
	{"PROT_SEM", 8},
	{"PROT_GROWSDOWN", 0x10},
	{"PROT_GROWSUP", 0x20},
	{"PROT_SAO", 0x40},
	{"PROT_NONE", 0},
}}

var ptraceRequests = FlagTable{Name: "ptrace_requests", Entries: []FlagName{
	{"PTRACE_SINGLEBLOCK", 0x26},
	{"PTRACE_SYSEMU_SINGLESTEP", 0x25},
	{"PTRACE_SYSEMU", 0x24},
	{"PTRACE_ARCH_PRCTL", 0x23},
	{"PTRACE_SET_THREAD_AREA", 0x22},
	{"PTRACE_GET_THREAD_AREA", 0x21},
	{"PTRACE_OLDSETOPTIONS", 0x20},
	{"PTRACE_SETFPXREGS", 0x1f},
	{"PTRACE_GETFPXREGS", 0x1e},
	{"PTRACE_SETFPREGS", 0x1d},
	{"PTRACE_GETFPREGS", 0x1c},
	{"PTRACE_SETREGS", 0x1b},
	{"PTRACE_GETREGS", 0x1a},
	{"PTRACE_SETSIGMASK", 0x19},
	{"PTRACE_GETSIGMASK", 0x18},
	{"PTRACE_PEEKSIGINFO", 0x17},
	{"PTRACE_LISTEN", 0x16},
	{"PTRACE_INTERRUPT", 0x15},
	{"PTRACE_SEIZE", 0x14},
	{"PTRACE_SETREGSET", 0x13},
	{"PTRACE_GETREGSET", 0x12},
	{"PTRACE_SETSIGINFO", 0x11},
	{"PTRACE_GETSIGINFO", 0x10},
	{"PTRACE_GETEVENTMSG", 0xf},
	{"PTRACE_SETOPTIONS", 0xe},
	{"PTRACE_SYSCALL", 0xd},
	{"PTRACE_DETACH", 0xc},
	{"PTRACE_ATTACH", 0xb},
	{"PTRACE_SINGLESTEP", 0xa},
	{"PTRACE_KILL", 9},
	{"PTRACE_CONT", 8},
	{"PTRACE_POKEUSR", 7},
	{"PTRACE_POKEDATA", 6},
	{"PTRACE_POKETEXT", 5},
	{"PTRACE_PEEKUSR", 4},
	{"PTRACE_PEEKDATA", 3},
	{"PTRACE_PEEKTEXT", 2},
	{"PTRACE_TRACEME", 1},
	{"PTRACE_UNKNOWN", 0},
}}

var quotactlCmds = FlagTable{Name: "quotactl_cmds", Entries: []FlagName{
	{"Q_QUOTAON", 1},
	{"Q_QUOTAOFF", 2},
	{"Q_GETFMT", 4},
	{"Q_GETINFO", 8},
	{"Q_SETINFO", 0x10},
	{"Q_GETQUOTA", 0x20},
	{"Q_SETQUOTA", 0x40},
	{"Q_SYNC", 0x80},
	{"Q_XQUOTAON", 0x100},
	{"Q_XQUOTAOFF", 0x200},
	{"Q_XGETQUOTA", 0x400},
	{"Q_XSETQLIM", 0x800},
	{"Q_XGETQSTAT", 0x1000},
	{"Q_XQUOTARM", 0x2000},
	{"Q_XQUOTASYNC", 0x4000},
}}

var quotactlDqiFlags = FlagTable{Name: "quotactl_dqi_flags", Entries: []FlagName{
	{"DQF_NONE", 1},
	{"V1_DQF_RSQUASH", 2},
}}

var quotactlQuotaFmts = FlagTable{Name: "quotactl_quota_fmts", Entries: []FlagName{
	{"QFMT_NOT_USED", 1},
	{"QFMT_VFS_OLD", 2},
	{"QFMT_VFS_V0", 4},
	{"QFMT_VFS_V1", 8},
}}

var quotactlTypes = FlagTable{Name: "quotactl_types", Entries: []FlagName{
	{"USRQUOTA", 1},
	{"GRPQUOTA", 2},
}}

var renameat2Flags = FlagTable{Name: "renameat2_flags", Entries: []FlagName{
	{"RENAME_NOREPLACE", 1},
	{"RENAME_EXCHANGE", 2},
	{"RENAME_WHITEOUT", 4},
}}

var rlimitResources = FlagTable{Name: "rlimit_resources", Entries: []FlagName{
	{"RLIMIT_UNKNOWN", 0xff},
	{"RLIMIT_RTTIME", 0xf},
	{"RLIMIT_RTPRIO", 0xe},
	{"RLIMIT_NICE", 0xd},
	{"RLIMIT_MSGQUEUE", 0xc},
	{"RLIMIT_SIGPENDING", 0xb},
	{"RLIMIT_LOCKS", 0xa},
	{"RLIMIT_AS", 9},
	{"RLIMIT_MEMLOCK", 8},
	{"RLIMIT_NOFILE", 7},
	{"RLIMIT_NPROC", 6},
	{"RLIMIT_RSS", 5},
	{"RLIMIT_CORE", 4},
	{"RLIMIT_STACK", 3},
	{"RLIMIT_DATA", 2},
	{"RLIMIT_FSIZE", 1},
	{"RLIMIT_CPU", 0},
}}

var semctlCommands = FlagTable{Name: "semctl_commands", Entries: []FlagName{
	{"IPC_STAT", 1},
	{"IPC_SET", 2},
	{"IPC_RMID", 4},
	{"IPC_INFO", 8},
	{"SEM_INFO", 0x10},
	{"SEM_STAT", 0x20},
	{"GETALL", 0x40},
	{"GETNCNT", 0x80},
	{"GETPID", 0x100},
	{"GETVAL", 0x200},
	{"GETZCNT", 0x400},
	{"SETALL", 0x800},
	{"SETVAL", 0x1000},
}}

var semgetFlags = FlagTable{Name: "semget_flags", Entries: []FlagName{
	{"IPC_EXCL", 0x4000},
	{"IPC_CREAT", 0x2000},
}}

var semopFlags = FlagTable{Name: "semop_flags", Entries: []FlagName{
	{"IPC_NOWAIT", 1},
	{"SEM_UNDO", 2},
}}

var shutdownHow = FlagTable{Name: "shutdown_how", Entries: []FlagName{
	{"SHUT_RDWR", 2},
	{"SHUT_WR", 1},
	{"SHUT_RD", 0},
}}

var socketFamilies = FlagTable{Name: "socket_families", Entries: []FlagName{
	{"AF_NFC", 0x27},
	{"AF_ALG", 0x26},
	{"AF_CAIF", 0x25},
	{"AF_IEEE802154", 0x24},
	{"AF_PHONET", 0x23},
	{"AF_ISDN", 0x22},
	{"AF_RXRPC", 0x21},
	{"AF_IUCV", 0x20},
	{"AF_BLUETOOTH", 0x1f},
	{"AF_TIPC", 0x1e},
	{"AF_CAN", 0x1d},
	{"AF_LLC", 0x1a},
	{"AF_WANPIPE", 0x19},
	{"AF_PPPOX", 0x18},
	{"AF_IRDA", 0x17},
	{"AF_SNA", 0x16},
	{"AF_RDS", 0x15},
	{"AF_ATMSVC", 0x14},
	{"AF_ECONET", 0x13},
	{"AF_ASH", 0x12},
	{"AF_PACKET", 0x11},
	{"AF_ROUTE", 0x10},
	{"AF_NETLINK", 0x10},
	{"AF_KEY", 0xf},
	{"AF_SECURITY", 0xe},
	{"AF_NETBEUI", 0xd},
	{"AF_DECnet", 0xc},
	{"AF_ROSE", 0xb},
	{"AF_INET6", 0xa},
	{"AF_X25", 9},
	{"AF_ATMPVC", 8},
	{"AF_BRIDGE", 7},
	{"AF_NETROM", 6},
	{"AF_APPLETALK", 5},
	{"AF_IPX", 4},
	{"AF_AX25", 3},
	{"AF_INET", 2},
	{"AF_LOCAL", 1},
	{"AF_UNIX", 1},
	{"AF_UNSPEC", 0},
}}

var sockoptLevels = FlagTable{Name: "sockopt_levels", Entries: []FlagName{
	{"SOL_SOCKET", 1},
	{"SOL_TCP", 2},
	{"UNKNOWN", 0},
}}

var sockoptOptions = FlagTable{Name: "sockopt_options", Entries: []FlagName{
	{"SO_COOKIE", 0x35},
	{"SO_MEMINFO", 0x34},
	{"SO_PEERGROUPS", 0x33},
	{"SO_ATTACH_BPF", 0x32},
	{"SO_INCOMING_CPU", 0x31},
	{"SO_BPF_EXTENSIONS", 0x30},
	{"SO_MAX_PACING_RATE", 0x2f},
	{"SO_BUSY_POLL", 0x2e},
	{"SO_SELECT_ERR_QUEUE", 0x2d},
	{"SO_LOCK_FILTER", 0x2c},
	{"SO_NOFCS", 0x2b},
	{"SO_PEEK_OFF", 0x2a},
	{"SO_WIFI_STATUS", 0x29},
	{"SO_RXQ_OVFL", 0x28},
	{"SO_DOMAIN", 0x27},
	{"SO_PROTOCOL", 0x26},
	{"SO_TIMESTAMPING", 0x25},
	{"SO_MARK", 0x24},
	{"SO_TIMESTAMPNS", 0x23},
	{"SO_PASSSEC", 0x22},
	{"SO_PEERSEC", 0x1f},
	{"SO_ACCEPTCONN", 0x1e},
	{"SO_TIMESTAMP", 0x1d},
	{"SO_PEERNAME", 0x1c},
	{"SO_DETACH_FILTER", 0x1b},
	{"SO_ATTACH_FILTER", 0x1a},
	{"SO_BINDTODEVICE", 0x19},
	{"SO_SECURITY_ENCRYPTION_NETWORK", 0x18},
	{"SO_SECURITY_ENCRYPTION_TRANSPORT", 0x17},
	{"SO_SECURITY_AUTHENTICATION", 0x16},
	{"SO_SNDTIMEO", 0x15},
	{"SO_RCVTIMEO", 0x14},
	{"SO_SNDLOWAT", 0x13},
	{"SO_RCVLOWAT", 0x12},
	{"SO_PEERCRED", 0x11},
	{"SO_PASSCRED", 0x10},
	{"SO_REUSEPORT", 0xf},
	{"SO_BSDCOMPAT", 0xe},
	{"SO_LINGER", 0xd},
	{"SO_PRIORITY", 0xc},
	{"SO_NO_CHECK", 0xb},
	{"SO_OOBINLINE", 0xa},
	{"SO_KEEPALIVE", 9},
	{"SO_RCVBUFFORCE", 0x21},
	{"SO_SNDBUFFORCE", 0x20},
	{"SO_RCVBUF", 8},
	{"SO_SNDBUF", 7},
	{"SO_BROADCAST", 6},
	{"SO_DONTROUTE", 5},
	{"SO_ERROR", 4},
	{"SO_TYPE", 3},
	{"SO_REUSEADDR", 2},
	{"SO_DEBUG", 1},
	{"UNKNOWN", 0},
}}

var spliceFlags = FlagTable{Name: "splice_flags", Entries: []FlagName{
	{"SPLICE_F_MOVE", 1},
	{"SPLICE_F_NONBLOCK", 2},
	{"SPLICE_F_MORE", 4},
	{"SPLICE_F_GIFT", 8},
}}

var umountFlags = FlagTable{Name: "umount_flags", Entries: []FlagName{
	{"FORCE", 1},
	{"DETACH", 2},
	{"EXPIRE", 4},
	{"NOFOLLOW", 8},
}}

var unlinkatFlags = FlagTable{Name: "unlinkat_flags", Entries: []FlagName{
	{"AT_REMOVEDIR", 0x200},
}}
