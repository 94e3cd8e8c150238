package event

// Flag and enum name tables of events that sysdig 0.29.3 does not know
// (types 336 and later, or parameters appended since 2022). Names, values
// and order follow libs' flags table of 2023 and the PPM_* values of
// ppm_events_public.h. The tables marked "reconstructed" are not in any
// libs flags table we could read: their names and values come from the
// PPM_* constants the drivers use for that parameter.

var fchownatFlags = FlagTable{Name: "fchownat_flags", Entries: []FlagName{
	// libs names this entry AT_SYMLINK_NOFOLLOW but gives it the value of
	// AT_SYMLINK_FOLLOW (0x400); kept as libs prints it.
	{"AT_SYMLINK_NOFOLLOW", 0x400},
	{"AT_EMPTY_PATH", 0x1000},
}}

var ioUringSetupFlags = FlagTable{Name: "io_uring_setup_flags", Entries: []FlagName{
	{"IORING_SETUP_IOPOLL", 1},
	{"IORING_SETUP_SQPOLL", 2},
	{"IORING_SQ_NEED_WAKEUP", 4},
	{"IORING_SETUP_SQ_AFF", 8},
	{"IORING_SETUP_CQSIZE", 0x10},
	{"IORING_SETUP_CLAMP", 0x20},
	{"IORING_SETUP_ATTACH_RW", 0x40}, // sic: the kernel's IORING_SETUP_ATTACH_WQ
	{"IORING_SETUP_R_DISABLED", 0x80},
}}

var ioUringSetupFeats = FlagTable{Name: "io_uring_setup_feats", Entries: []FlagName{
	{"IORING_FEAT_SINGLE_MMAP", 1},
	{"IORING_FEAT_NODROP", 2},
	{"IORING_FEAT_SUBMIT_STABLE", 4},
	{"IORING_FEAT_RW_CUR_POS", 8},
	{"IORING_FEAT_CUR_PERSONALITY", 0x10},
	{"IORING_FEAT_FAST_POLL", 0x20},
	{"IORING_FEAT_POLL_32BITS", 0x40},
	{"IORING_FEAT_SQPOLL_NONFIXED", 0x80},
	{"IORING_FEAT_ENTER_EXT_ARG", 0x100},
	{"IORING_FEAT_NATIVE_WORKERS", 0x200},
	{"IORING_FEAT_RSRC_TAGS", 0x400},
}}

var ioUringEnterFlags = FlagTable{Name: "io_uring_enter_flags", Entries: []FlagName{
	{"IORING_ENTER_GETEVENTS", 1},
	{"IORING_ENTER_SQ_WAKEUP", 2},
	{"IORING_ENTER_SQ_WAIT", 4},
	{"IORING_ENTER_EXT_ARG", 8},
}}

var ioUringRegisterOpcodes = FlagTable{Name: "io_uring_register_opcodes", Entries: []FlagName{
	{"IORING_REGISTER_BUFFERS", 0},
	{"IORING_UNREGISTER_BUFFERS", 1},
	{"IORING_REGISTER_FILES", 2},
	{"IORING_UNREGISTER_FILES", 3},
	{"IORING_REGISTER_EVENTFD", 4},
	{"IORING_UNREGISTER_EVENTFD", 5},
	{"IORING_REGISTER_FILES_UPDATE", 6},
	{"IORING_REGISTER_EVENTFD_ASYNC", 7},
	{"IORING_REGISTER_PROBE", 8},
	{"IORING_REGISTER_PERSONALITY", 9},
	{"IORING_UNREGISTER_PERSONALITY", 10},
	{"IORING_REGISTER_RESTRICTIONS", 11},
	{"IORING_REGISTER_ENABLE_RINGS", 12},
	{"IORING_REGISTER_FILES2", 13},
	{"IORING_REGISTER_FILES_UPDATE2", 14},
	{"IORING_REGISTER_BUFFERS2", 15},
	{"IORING_REGISTER_BUFFERS_UPDATE", 16},
	{"IORING_REGISTER_IOWQ_AFF", 17},
	{"IORING_UNREGISTER_IOWQ_AFF", 18},
	{"IORING_REGISTER_IOWQ_MAX_WORKERS", 19},
	{"IORING_REGISTER_RING_FDS", 20},
	{"IORING_UNREGISTER_RING_FDS", 21},
}}

var mlockallFlags = FlagTable{Name: "mlockall_flags", Entries: []FlagName{
	{"MCL_CURRENT", 1},
	{"MCL_FUTURE", 2},
	{"MCL_ONFAULT", 4},
}}

var mlock2Flags = FlagTable{Name: "mlock2_flags", Entries: []FlagName{
	{"MLOCK_ONFAULT", 1},
}}

var fsconfigCmds = FlagTable{Name: "fsconfig_cmds", Entries: []FlagName{
	{"FSCONFIG_SET_FLAG", 0},
	{"FSCONFIG_SET_STRING", 1},
	{"FSCONFIG_SET_BINARY", 2},
	{"FSCONFIG_SET_PATH", 3},
	{"FSCONFIG_SET_PATH_EMPTY", 4},
	{"FSCONFIG_SET_FD", 5},
	{"FSCONFIG_CMD_CREATE", 6},
	{"FSCONFIG_CMD_RECONFIGURE", 7},
}}

var epollCreate1Flags = FlagTable{Name: "epoll_create1_flags", Entries: []FlagName{
	{"EPOLL_CLOEXEC", 1},
}}

// prctlOptions lists the prctl options libs names. libs lists PR_MCE_KILL
// twice, which makes current libs print it twice; it is listed once here.
var prctlOptions = FlagTable{Name: "prctl_options", Entries: []FlagName{
	{"PR_GET_DUMPABLE", 3},
	{"PR_SET_DUMPABLE", 4},
	{"PR_GET_KEEPCAPS", 7},
	{"PR_SET_KEEPCAPS", 8},
	{"PR_SET_NAME", 15},
	{"PR_GET_NAME", 16},
	{"PR_GET_SECCOMP", 21},
	{"PR_SET_SECCOMP", 22},
	{"PR_CAPBSET_READ", 23},
	{"PR_CAPBSET_DROP", 24},
	{"PR_GET_SECUREBITS", 27},
	{"PR_SET_SECUREBITS", 28},
	{"PR_MCE_KILL", 33},
	{"PR_SET_MM", 35},
	{"PR_SET_CHILD_SUBREAPER", 36},
	{"PR_GET_CHILD_SUBREAPER", 37},
	{"PR_SET_NO_NEW_PRIVS", 38},
	{"PR_GET_NO_NEW_PRIVS", 39},
	{"PR_GET_TID_ADDRESS", 40},
	{"PR_SET_THP_DISABLE", 41},
	{"PR_GET_THP_DISABLE", 42},
	{"PR_CAP_AMBIENT", 47},
}}

var memfdCreateFlags = FlagTable{Name: "memfd_create_flags", Entries: []FlagName{
	{"MFD_CLOEXEC", 1},
	{"MFD_ALLOW_SEALING", 2},
	{"MFD_HUGETLB", 4},
}}

var pidfdOpenFlags = FlagTable{Name: "pidfd_open_flags", Entries: []FlagName{
	{"PIDFD_NONBLOCK", 1},
}}

// mknodMode is chmod_mode plus the file-type bits mknod takes (octal, as
// in the kernel).
var mknodMode = FlagTable{Name: "mknod_mode", Entries: []FlagName{
	{"S_IXOTH", 1},
	{"S_IWOTH", 2},
	{"S_IROTH", 4},
	{"S_IXGRP", 8},
	{"S_IWGRP", 0x10},
	{"S_IRGRP", 0x20},
	{"S_IXUSR", 0x40},
	{"S_IWUSR", 0x80},
	{"S_IRUSR", 0x100},
	{"S_ISVTX", 0x200},
	{"S_ISGID", 0x400},
	{"S_ISUID", 0x800},
	{"S_IFREG", 0o100000},
	{"S_IFCHR", 0o020000},
	{"S_IFBLK", 0o060000},
	{"S_IFIFO", 0o010000},
	{"S_IFSOCK", 0o140000},
}}

// bpfCommands is reconstructed from the PPM_BPF_* command values (libs maps
// the kernel's bpf commands one to one). BPF_PROG_RUN, an alias of
// BPF_PROG_TEST_RUN, is left out so that 10 gets one name.
var bpfCommands = FlagTable{Name: "bpf_commands", Entries: []FlagName{
	{"BPF_MAP_CREATE", 0},
	{"BPF_MAP_LOOKUP_ELEM", 1},
	{"BPF_MAP_UPDATE_ELEM", 2},
	{"BPF_MAP_DELETE_ELEM", 3},
	{"BPF_MAP_GET_NEXT_KEY", 4},
	{"BPF_PROG_LOAD", 5},
	{"BPF_OBJ_PIN", 6},
	{"BPF_OBJ_GET", 7},
	{"BPF_PROG_ATTACH", 8},
	{"BPF_PROG_DETACH", 9},
	{"BPF_PROG_TEST_RUN", 10},
	{"BPF_PROG_GET_NEXT_ID", 11},
	{"BPF_MAP_GET_NEXT_ID", 12},
	{"BPF_PROG_GET_FD_BY_ID", 13},
	{"BPF_MAP_GET_FD_BY_ID", 14},
	{"BPF_OBJ_GET_INFO_BY_FD", 15},
	{"BPF_PROG_QUERY", 16},
	{"BPF_RAW_TRACEPOINT_OPEN", 17},
	{"BPF_BTF_LOAD", 18},
	{"BPF_BTF_GET_FD_BY_ID", 19},
	{"BPF_TASK_FD_QUERY", 20},
	{"BPF_MAP_LOOKUP_AND_DELETE_ELEM", 21},
	{"BPF_MAP_FREEZE", 22},
	{"BPF_BTF_GET_NEXT_ID", 23},
	{"BPF_MAP_LOOKUP_BATCH", 24},
	{"BPF_MAP_LOOKUP_AND_DELETE_BATCH", 25},
	{"BPF_MAP_UPDATE_BATCH", 26},
	{"BPF_MAP_DELETE_BATCH", 27},
	{"BPF_LINK_CREATE", 28},
	{"BPF_LINK_UPDATE", 29},
	{"BPF_LINK_GET_FD_BY_ID", 30},
	{"BPF_LINK_GET_NEXT_ID", 31},
	{"BPF_ENABLE_STATS", 32},
	{"BPF_ITER_CREATE", 33},
	{"BPF_LINK_DETACH", 34},
	{"BPF_PROG_BIND_MAP", 35},
}}

// finitModuleFlags is reconstructed from PPM_MODULE_INIT_* (the kernel's
// values).
var finitModuleFlags = FlagTable{Name: "finit_module_flags", Entries: []FlagName{
	{"MODULE_INIT_IGNORE_MODVERSIONS", 1},
	{"MODULE_INIT_IGNORE_VERMAGIC", 2},
	{"MODULE_INIT_COMPRESSED_FILE", 4},
}}

// deleteModuleFlags is reconstructed from PPM_DELETE_MODULE_O_*.
var deleteModuleFlags = FlagTable{Name: "delete_module_flags", Entries: []FlagName{
	{"O_TRUNC", 1},
	{"O_NONBLOCK", 2},
}}

// newfstatatFlags is reconstructed from the PPM_AT_* values the driver
// passes through for newfstatat (the kernel's AT_* values).
var newfstatatFlags = FlagTable{Name: "newfstatat_flags", Entries: []FlagName{
	{"AT_SYMLINK_NOFOLLOW", 0x100},
	{"AT_NO_AUTOMOUNT", 0x800},
	{"AT_EMPTY_PATH", 0x1000},
}}
