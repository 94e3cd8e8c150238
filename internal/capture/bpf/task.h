/* Process data read from task_struct and its neighbours with CO-RE. */
#pragma once

#define PAGE_TO_KB 2 /* shift from 4 KiB pages to KiB */

/* Linux constants (uapi or stable kernel ABI). */
#define RLIMIT_NOFILE_ 7
#define PF_KTHREAD_ 0x00200000
#define FMODE_CREATED_ 0x100000
#define SB_RDONLY_ 1
#define S_IMMUTABLE_ 8
#define S_IFMT_ 0170000
#define S_IFSOCK_ 0140000
#define S_IFREG_ 0100000
#define S_IFDIR_ 0040000
#define S_IFLNK_ 0120000
#define OVERLAYFS_MAGIC_ 0x794c7630
#define CAP_DAC_OVERRIDE_ 1
#define CAP_FOWNER_ 3
#define O_CREAT_ 0100
#define O_TMPFILE_ 020200000

/* PPM values of the event table. */
#define PPM_O_F_CREATED 0x4000
#define PPM_EXE_WRITABLE 1
#define PPM_EXE_UPPER_LAYER 2
#define PPM_EXE_FROM_MEMFD 4
#define PPM_EXE_LOWER_LAYER 8
#define PPM_CL_CLONE_VM 0x8000
#define PPM_CL_CLONE_VFORK 0x8000000
#define PPM_CL_CHILD_IN_PIDNS (1 << 29)

/* Older layouts CO-RE may meet: inode times as timespec64 (before 6.6 and
 * 6.11), kernfs parent (before 6.15). */
struct inode___ts {
	struct timespec64 i_mtime;
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

/* encode_dev packs a device number as userspace sees it (new_encode_dev). */
static __always_inline __u32 encode_dev(__u32 dev)
{
	__u32 major = dev >> 20, minor = dev & ((1U << 20) - 1);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

static __always_inline __u32 task_tty(struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	if (!tty)
		return 0;
	int index = BPF_CORE_READ(tty, index);
	int major = BPF_CORE_READ(tty, driver, major);
	int minor = BPF_CORE_READ(tty, driver, minor_start);
	return encode_dev(((__u32)major << 20) + (__u32)minor + (__u32)index);
}

/* pid_ns_of returns the namespace a pid struct was allocated in. */
static __always_inline struct pid_namespace *pid_ns_of(struct pid *p)
{
	if (!p)
		return 0;
	unsigned int level = BPF_CORE_READ(p, level);
	return BPF_CORE_READ(p, numbers[level & 31].ns);
}

/* pid_in_ns returns the number of p in namespace ns (0 if not there). */
static __always_inline __s64 pid_in_ns(struct pid *p, struct pid_namespace *ns)
{
	if (!p || !ns)
		return 0;
	unsigned int plevel = BPF_CORE_READ(p, level);
	unsigned int nlevel = BPF_CORE_READ(ns, level);
	if (nlevel > plevel)
		return 0;
	struct upid u = BPF_CORE_READ(p, numbers[nlevel & 31]);
	if (u.ns != ns)
		return 0;
	return u.nr;
}

static __always_inline struct pid_namespace *task_pid_ns(struct task_struct *task)
{
	return pid_ns_of(BPF_CORE_READ(task, thread_pid));
}

/* task_vtid and task_vpid: the thread and process ids as the task's own pid
 * namespace numbers them. */
static __always_inline __s64 task_vtid(struct task_struct *task)
{
	struct pid *p = BPF_CORE_READ(task, thread_pid);
	return pid_in_ns(p, pid_ns_of(p));
}

static __always_inline __s64 task_vpid(struct task_struct *task)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct pid *p = BPF_CORE_READ(leader, thread_pid);
	return pid_in_ns(p, task_pid_ns(task));
}

/* task_pgid returns the process group, global (local == 0) or as the
 * task's namespace sees it. */
static __always_inline __s64 task_pgid(struct task_struct *task, int local)
{
	struct pid *p = BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID]);
	if (!p)
		return 0;
	if (!local)
		return BPF_CORE_READ(p, numbers[0].nr);
	return pid_in_ns(p, task_pid_ns(task));
}

/* REAPER_DEPTH bounds the walk up the ancestors for a subreaper. */
#define REAPER_DEPTH 16

/* task_reaper returns the thread id of whoever will adopt the children of
 * an exiting task, as the kernel's find_new_reaper decides it: 0 when the
 * task has no children (nothing to adopt) or when another thread of its
 * process lives (any of them adopts: the state picks one); else the nearest
 * ancestor in the same pid namespace that is a child subreaper, else the
 * namespace's init. Called from sched_process_exit, after the kernel has
 * counted the task out of signal->live and before it reparents. The
 * process id stands for the adopting thread (find_alive_thread picks the
 * leader when it lives). */
static __always_inline __s64 task_reaper(struct task_struct *task)
{
	struct list_head *children = &task->children;
	if (BPF_CORE_READ(task, children.next) == children)
		return 0;
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	if (BPF_CORE_READ(sig, live.counter) > 0)
		return 0;
	struct pid *tp = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(tp, level);
	if (BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper)) {
		struct task_struct *a = BPF_CORE_READ(task, real_parent);
		for (int i = 0; i < REAPER_DEPTH && a; i++) {
			if (BPF_CORE_READ(a, pid) == 0) /* the idle task */
				break;
			if (BPF_CORE_READ(a, thread_pid, level) != level)
				break;
			struct signal_struct *as = BPF_CORE_READ(a, signal);
			if (BPF_CORE_READ_BITFIELD_PROBED(as, is_child_subreaper) && BPF_CORE_READ(as, live.counter) > 0)
				return BPF_CORE_READ(a, tgid);
			struct task_struct *up = BPF_CORE_READ(a, real_parent);
			if (up == a)
				break;
			a = up;
		}
	}
	struct pid_namespace *ns = pid_ns_of(tp);
	return ns ? BPF_CORE_READ(ns, child_reaper, tgid) : 0;
}

static __always_inline __u64 task_cap(struct task_struct *task, int which)
{
	const struct cred *cr = BPF_CORE_READ(task, cred);
	switch (which) {
	case 0:
		return BPF_CORE_READ(cr, cap_inheritable.val);
	case 1:
		return BPF_CORE_READ(cr, cap_permitted.val);
	default:
		return BPF_CORE_READ(cr, cap_effective.val);
	}
}

static __always_inline __u64 ts_ns(__s64 sec, __s64 nsec)
{
	if (sec < 0)
		return 0;
	return (__u64)sec * 1000000000ULL + (__u64)nsec;
}

static __always_inline __u64 inode_ctime(struct inode *ino)
{
	if (bpf_core_field_exists(struct inode, i_ctime_sec))
		/* The top bit of i_ctime_nsec marks a ctime that was queried
		 * (I_CTIME_QUERIED): not part of the time. */
		return ts_ns(BPF_CORE_READ(ino, i_ctime_sec), BPF_CORE_READ(ino, i_ctime_nsec) & 0x3fffffff);
	struct inode___ts *old = (void *)ino;
	return ts_ns(BPF_CORE_READ(old, i_ctime.tv_sec), BPF_CORE_READ(old, i_ctime.tv_nsec));
}

static __always_inline __u64 inode_mtime(struct inode *ino)
{
	if (bpf_core_field_exists(struct inode, i_mtime_sec))
		return ts_ns(BPF_CORE_READ(ino, i_mtime_sec), BPF_CORE_READ(ino, i_mtime_nsec));
	struct inode___ts *old = (void *)ino;
	return ts_ns(BPF_CORE_READ(old, i_mtime.tv_sec), BPF_CORE_READ(old, i_mtime.tv_nsec));
}

/* exe_writable approximates the kernel's write permission check on the
 * executable for the task's filesystem credentials: not on a read-only
 * filesystem nor immutable, and owned, or writable by mode bits for owner,
 * primary group or others, or with CAP_DAC_OVERRIDE or CAP_FOWNER. */
static __always_inline int exe_writable(struct task_struct *task, struct inode *ino)
{
	__u16 mode = BPF_CORE_READ(ino, i_mode);
	__u32 iflags = BPF_CORE_READ(ino, i_flags);
	unsigned long sflags = BPF_CORE_READ(ino, i_sb, s_flags);
	__u16 fmt = mode & S_IFMT_;
	if ((sflags & SB_RDONLY_) && (fmt == S_IFREG_ || fmt == S_IFDIR_ || fmt == S_IFLNK_))
		return 0;
	if (iflags & S_IMMUTABLE_)
		return 0;
	const struct cred *cr = BPF_CORE_READ(task, cred);
	__u32 fsuid = BPF_CORE_READ(cr, fsuid.val);
	__u32 fsgid = BPF_CORE_READ(cr, fsgid.val);
	__u32 iuid = BPF_CORE_READ(ino, i_uid.val);
	__u32 igid = BPF_CORE_READ(ino, i_gid.val);
	if (iuid == fsuid)
		return 1;
	__u16 bits = mode & 07;
	if (igid == fsgid)
		bits = (mode >> 3) & 07;
	if (bits & 02)
		return 1;
	__u64 eff = BPF_CORE_READ(cr, cap_effective.val);
	return (eff & (1ULL << CAP_DAC_OVERRIDE_)) || (eff & (1ULL << CAP_FOWNER_));
}

/* exe_layer tells an executable in an overlay filesystem's upper layer from
 * one in a lower layer (0 when not on overlayfs). */
static __always_inline __u32 exe_layer(struct inode *ino)
{
	if (BPF_CORE_READ(ino, i_sb, s_magic) != OVERLAYFS_MAGIC_)
		return 0;
	if (!bpf_core_type_exists(struct ovl_inode))
		return PPM_EXE_LOWER_LAYER;
	struct ovl_inode *oi = (void *)ino - bpf_core_field_offset(struct ovl_inode, vfs_inode);
	struct dentry *upper = BPF_CORE_READ(oi, __upperdentry);
	if (upper && BPF_CORE_READ(upper, d_inode))
		return PPM_EXE_UPPER_LAYER;
	return PPM_EXE_LOWER_LAYER;
}

/* exe_memfd reports an executable that is a memfd: an unlinked dentry
 * whose name starts with "memfd:". */
static __always_inline int exe_memfd(struct file *f)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	if (!d || BPF_CORE_READ(d, d_parent) != d)
		return 0;
	char pfx[7] = {};
	bpf_probe_read_kernel_str(pfx, sizeof(pfx), BPF_CORE_READ(d, d_name.name));
	return pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' && pfx[4] == 'd' &&
	       pfx[5] == ':';
}

static __always_inline __u32 exe_flags(struct task_struct *task)
{
	struct file *f = BPF_CORE_READ(task, mm, exe_file);
	if (!f)
		return 0;
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	__u32 flags = exe_layer(ino);
	if (exe_writable(task, ino))
		flags |= PPM_EXE_WRITABLE;
	if (exe_memfd(f))
		flags |= PPM_EXE_FROM_MEMFD;
	return flags;
}

/* rss_pages reads one of the mm's resident set counters. */
static __always_inline __s64 rss_pages(struct mm_struct *mm, int which)
{
	return BPF_CORE_READ(mm, rss_stat[which & 3].count);
}

/* fd_file returns the file of descriptor fd of the current task. */
static __always_inline struct file *fd_file(struct task_struct *task, __s64 fd)
{
	if (fd < 0)
		return 0;
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt)
		return 0;
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	if ((__u64)fd >= max)
		return 0;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline struct socket *file_socket(struct file *f)
{
	if (!f)
		return 0;
	__u16 mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT_) != S_IFSOCK_)
		return 0;
	return BPF_CORE_READ(f, private_data);
}
