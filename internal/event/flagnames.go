package event

// Flag and enum name tables that sysdig 0.29.3 (libs 0.1.1 of March 2022)
// already had, with their entries in the libs order: rendering walks a table
// in order, so the order decides which names a value gets. Values are the
// drivers' PPM_* encodings, which for most tables differ from the kernel's.
// Entries that current libs added to these tables are appended at the end
// with a comment; they name bits the old drivers never set.

var accessFlags = FlagTable{Name: "access_flags", Entries: []FlagName{
	{"F_OK", 0},
	{"R_OK", 4},
	{"W_OK", 2},
	{"X_OK", 1},
}}

var chmodMode = FlagTable{Name: "chmod_mode", Entries: []FlagName{
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
}}

var cloneFlags = FlagTable{Name: "clone_flags", Entries: []FlagName{
	{"CLONE_FILES", 1},
	{"CLONE_FS", 2},
	{"CLONE_IO", 4},
	{"CLONE_NEWIPC", 8},
	{"CLONE_NEWNET", 0x10},
	{"CLONE_NEWNS", 0x20},
	{"CLONE_NEWPID", 0x40},
	{"CLONE_NEWUTS", 0x80},
	{"CLONE_PARENT", 0x100},
	{"CLONE_PARENT_SETTID", 0x200},
	{"CLONE_PTRACE", 0x400},
	{"CLONE_SIGHAND", 0x800},
	{"CLONE_SYSVSEM", 0x1000},
	{"CLONE_THREAD", 0x2000},
	{"CLONE_UNTRACED", 0x4000},
	{"CLONE_VM", 0x8000},
	{"CLONE_INVERTED", 0x10000},
	{"NAME_CHANGED", 0x20000},
	{"CLOSED", 0x40000},
	{"CLONE_NEWUSER", 0x100000},
	{"CLONE_CHILD_CLEARTID", 0x800000},
	{"CLONE_CHILD_SETTID", 0x1000000},
	{"CLONE_SETTLS", 0x2000000},
	{"CLONE_STOPPED", 0x4000000},
	{"CLONE_VFORK", 0x8000000},
	{"CLONE_NEWCGROUP", 0x10000000},
}}

var execveFlags = FlagTable{Name: "execve_flags", Entries: []FlagName{
	{"EXE_WRITABLE", 1},
	{"EXE_UPPER_LAYER", 2}, // added after 2022
	{"EXE_FROM_MEMFD", 4},  // added after 2022
}}

var execveatFlags = FlagTable{Name: "execveat_flags", Entries: []FlagName{
	{"AT_EMPTY_PATH", 1},
	{"AT_SYMLINK_NOFOLLOW", 2},
}}

var fcntlCommands = FlagTable{Name: "fcntl_commands", Entries: []FlagName{
	{"F_GETPIPE_SZ", 0x1d},
	{"F_SETPIPE_SZ", 0x1c},
	{"F_NOTIFY", 0x1b},
	{"F_DUPFD_CLOEXEC", 0x1a},
	{"F_CANCELLK", 0x19},
	{"F_GETLEASE", 0x18},
	{"F_SETLEASE", 0x17},
	{"F_GETOWN_EX", 0x16},
	{"F_SETOWN_EX", 0x15},
	{"F_SETLKW64", 0x13},
	{"F_SETLK64", 0x12},
	{"F_GETLK64", 0x11},
	{"F_GETSIG", 0xf},
	{"F_SETSIG", 0xd},
	{"F_GETOWN", 0xc},
	{"F_SETOWN", 0xa},
	{"F_SETLKW", 9},
	{"F_SETLK", 8},
	{"F_GETLK", 6},
	{"F_SETFL", 5},
	{"F_GETFL", 4},
	{"F_SETFD", 3},
	{"F_GETFD", 2},
	{"F_DUPFD", 1},
	{"F_OFD_GETLK", 0x1e},
	{"F_OFD_SETLK", 0x1f},
	{"F_OFD_SETLKW", 0x20},
	{"UNKNOWN", 0},
}}

var fileFlags = FlagTable{Name: "file_flags", Entries: []FlagName{
	{"O_LARGEFILE", 0x800},
	{"O_DIRECTORY", 0x400},
	{"O_DIRECT", 0x200},
	{"O_TRUNC", 0x100},
	{"O_SYNC", 0x80},
	{"O_NONBLOCK", 0x40},
	{"O_EXCL", 0x20},
	{"O_DSYNC", 0x10},
	{"O_APPEND", 8},
	{"O_CREAT", 4},
	{"O_RDWR", 3},
	{"O_WRONLY", 2},
	{"O_RDONLY", 1},
	{"O_CLOEXEC", 0x1000},
	{"O_NONE", 0},
	{"O_TMPFILE", 0x2000},
	{"O_F_CREATED", 0x4000}, // added after 2022
}}

var flockFlags = FlagTable{Name: "flock_flags", Entries: []FlagName{
	{"LOCK_SH", 1},
	{"LOCK_EX", 2},
	{"LOCK_NB", 4},
	{"LOCK_UN", 8},
	{"LOCK_NONE", 0},
}}

var futexOperations = FlagTable{Name: "futex_operations", Entries: []FlagName{
	{"FUTEX_CLOCK_REALTIME", 0x100},
	{"FUTEX_PRIVATE_FLAG", 0x80},
	{"FUTEX_CMP_REQUEUE_PI", 0xc},
	{"FUTEX_WAIT_REQUEUE_PI", 0xb},
	{"FUTEX_WAKE_BITSET", 0xa},
	{"FUTEX_WAIT_BITSET", 9},
	{"FUTEX_TRYLOCK_PI", 8},
	{"FUTEX_UNLOCK_PI", 7},
	{"FUTEX_LOCK_PI", 6},
	{"FUTEX_WAKE_OP", 5},
	{"FUTEX_CMP_REQUEUE", 4},
	{"FUTEX_REQUEUE", 3},
	{"FUTEX_FD", 2},
	{"FUTEX_WAKE", 1},
	{"FUTEX_WAIT", 0},
}}

var linkatFlags = FlagTable{Name: "linkat_flags", Entries: []FlagName{
	{"AT_SYMLINK_FOLLOW", 0x400},
	{"AT_EMPTY_PATH", 0x1000},
}}

var lseekWhence = FlagTable{Name: "lseek_whence", Entries: []FlagName{
	{"SEEK_END", 2},
	{"SEEK_CUR", 1},
	{"SEEK_SET", 0},
}}
