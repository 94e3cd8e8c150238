/* Dedicated encoders: execve and execveat (31 and 30 parameters of process
 * data), the clone family (21), and procexit. */
#pragma once

#define EV_EXECVE 293
#define EV_EXECVEAT 331
#define EV_CLONE 223
#define EV_FORK 225
#define EV_VFORK 227
#define EV_CLONE3 335
#define EV_PROCEXIT 186
#define ARGS_MAX 4096
#define ARGV_MAX 64

/* argv_step appends one string of the user argv array t->argv (from index
 * t->first) to the list at t->at in the event. */
static long argv_step(__u32 i, void *arg)
{
	struct scratch *sc = scratch_of(bpf_get_smp_processor_id());
	struct tmpbuf *t = tmp_of(bpf_get_smp_processor_id());
	if (!sc || !t)
		return 1;
	__u64 p = 0;
	if (bpf_probe_read_user(&p, 8, (void *)(t->argv + 8 * (t->first + i))) < 0) {
		t->fault = 1;
		return 1;
	}
	if (!p)
		return 1;
	__u32 tot = t->tot;
	if (tot >= ARGS_MAX - 1)
		return 1;
	__u32 room = ARGS_MAX - tot;
	long n = bpf_probe_read_user_str(&sc->b[clamp_off(t->at + tot, SCRATCH - 1)], clamp_off(room, 2 * ARGS_MAX - 1),
					 (void *)p);
	if (n <= 0) {
		t->fault = 1;
		return 1;
	}
	t->tot = tot + n;
	return 0;
}

/* w_argv writes the NUL-separated strings of a user argv array from index
 * first on (what the kernel would have copied, for a failed execve). */
static __always_inline void w_argv(struct scratch *sc, struct wr *w, __u64 argv, __u32 first)
{
	int at = w_off(w);
	struct tmpbuf *t = tmp_of(bpf_get_smp_processor_id());
	if (at < 0)
		return;
	if (!argv || !t) {
		w_done(sc, w, 0);
		return;
	}
	t->argv = argv;
	t->first = first;
	t->at = at;
	t->tot = 0;
	t->fault = 0;
	bpf_loop(ARGV_MAX, argv_step, 0, 0);
	if (t->fault)
		w->incomplete++;
	w_done(sc, w, t->tot);
}

/* w_mm_args writes exe (the first argument) and args (the others) from
 * the task's argument area. */
static __always_inline void w_mm_args(struct scratch *sc, struct wr *w, struct mm_struct *mm)
{
	__u64 start = BPF_CORE_READ(mm, arg_start), end = BPF_CORE_READ(mm, arg_end);
	__u32 before = w->pos;
	w_ustr(sc, w, start, STR_MAX);
	__u64 exe = w->pos - before;
	__u64 rest = 0;
	if (end > start + exe)
		rest = end - start - exe;
	if (rest > ARGS_MAX)
		rest = ARGS_MAX;
	w_ubuf(sc, w, start + exe, rest);
}

static __always_inline void w_mm_env(struct scratch *sc, struct wr *w, struct mm_struct *mm)
{
	__u64 start = BPF_CORE_READ(mm, env_start), end = BPF_CORE_READ(mm, env_end);
	__u64 n = end > start ? end - start : 0;
	if (n > ARGS_MAX)
		n = ARGS_MAX;
	w_ubuf(sc, w, start, n);
}

/* w_proc writes the parameters execve and clone share after exe and
 * args: tid, pid, ptid, cwd, fdlimit, page faults, memory, comm, cgroups. */
static __always_inline void w_proc(struct scratch *sc, struct wr *w, struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	w_int(sc, w, BPF_CORE_READ(task, pid), 8);
	w_int(sc, w, BPF_CORE_READ(task, tgid), 8);
	w_int(sc, w, BPF_CORE_READ(task, real_parent, pid), 8);
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	if (fs)
		w_path(sc, w, task, &fs->pwd);
	else
		w_empty(sc, w);
	w_int(sc, w, BPF_CORE_READ(task, signal, rlim[RLIMIT_NOFILE_].rlim_cur), 8);
	w_int(sc, w, BPF_CORE_READ(task, maj_flt), 8);
	w_int(sc, w, BPF_CORE_READ(task, min_flt), 8);
	__u64 size = 0, rss = 0, swap = 0;
	if (mm) {
		size = BPF_CORE_READ(mm, total_vm) << PAGE_TO_KB;
		__s64 pages = rss_pages(mm, MM_FILEPAGES) + rss_pages(mm, MM_ANONPAGES) + rss_pages(mm, MM_SHMEMPAGES);
		rss = pages > 0 ? (__u64)pages << PAGE_TO_KB : 0;
		__s64 sw = rss_pages(mm, MM_SWAPENTS);
		swap = sw > 0 ? (__u64)sw << PAGE_TO_KB : 0;
	}
	w_int(sc, w, size, 4);
	w_int(sc, w, rss, 4);
	w_int(sc, w, swap, 4);
	w_kstr(sc, w, task->comm, 16);
	w_cgroups(sc, w, task);
}

static __always_inline void do_execve(struct scratch *sc, struct ectx *x, struct task_struct *task, int at)
{
	struct wr *w = &sc->w;
	__s64 ret = x->v[SRC_RET];
	__u64 argv = at ? x->v[2] : x->v[1];
	__u64 envp = at ? x->v[3] : x->v[2];
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	w_start(w, at ? 30 : 31);
	w_int(sc, w, ret, 8);
	if (ret == 0) {
		w_mm_args(sc, w, mm);
	} else {
		__u64 first = 0;
		if (argv)
			bpf_probe_read_user(&first, 8, (void *)argv);
		w_ustr(sc, w, first, STR_MAX);
		w_argv(sc, w, argv, 1);
	}
	w_proc(sc, w, task);
	if (ret == 0)
		w_mm_env(sc, w, mm);
	else
		w_argv(sc, w, envp, 0);
	w_int(sc, w, task_tty(task), 4);
	w_int(sc, w, task_pgid(task, 1), 8);
	w_int(sc, w, BPF_CORE_READ(task, loginuid.val), 4);
	w_int(sc, w, exe_flags(task), 4);
	w_int(sc, w, task_cap(task, 0), 8);
	w_int(sc, w, task_cap(task, 1), 8);
	w_int(sc, w, task_cap(task, 2), 8);
	struct file *exe = BPF_CORE_READ(mm, exe_file);
	struct inode *ino = BPF_CORE_READ(exe, f_inode);
	w_int(sc, w, ino ? BPF_CORE_READ(ino, i_ino) : 0, 8);
	w_int(sc, w, ino ? inode_ctime(ino) : 0, 8);
	w_int(sc, w, ino ? inode_mtime(ino) : 0, 8);
	w_int(sc, w, BPF_CORE_READ(task, cred, euid.val), 4);
	if (exe && exe_memfd(exe))
		/* A memfd has no path: libs names it "memfd:<name>", as its
		 * dentry is named (what the upstream rules expect). */
		w_kstr(sc, w, BPF_CORE_READ(exe, f_path.dentry, d_name.name), NAME_MAX_ + 1);
	else if (exe)
		w_path(sc, w, task, &exe->f_path);
	else
		w_empty(sc, w);
	w_int(sc, w, task_pgid(task, 0), 8);
	w_int(sc, w, BPF_CORE_READ(task, cred, egid.val), 4);
	if (!at) {
		/* After a successful execve the caller's memory is gone; the
		 * kernel copied the file name to the top of the new stack, right
		 * after the environment (AT_EXECFN points there). */
		if (ret == 0)
			w_ustr(sc, w, BPF_CORE_READ(mm, env_end), STR_MAX);
		else
			w_ustr(sc, w, x->v[0], STR_MAX);
	}
}

/* clone_flags returns the PPM clone flags of the call, with
 * PPM_CL_CHILD_IN_PIDNS when the child lives in another pid namespace. */
static __always_inline __u32 clone_flags(struct ectx *x, struct task_struct *task, int special)
{
	__u64 raw = 0;
	__u32 flags = 0;
	switch (special) {
	case SP_CLONE:
		raw = x->v[0];
		flags = convert(CONV_CLONE, raw);
		break;
	case SP_CLONE3:
		if (x->v[0])
			bpf_probe_read_user(&raw, 8, (void *)x->v[0]);
		flags = convert(CONV_CLONE, raw);
		break;
	case SP_VFORK:
		flags = PPM_CL_CLONE_VM | PPM_CL_CLONE_VFORK;
		break;
	}
	struct pid_namespace *ns = task_pid_ns(task);
	if (BPF_CORE_READ(ns, level) != 0)
		flags |= PPM_CL_CHILD_IN_PIDNS;
	else if (BPF_CORE_READ(task, nsproxy, pid_ns_for_children) != ns)
		flags |= PPM_CL_CHILD_IN_PIDNS;
	return flags;
}

static __always_inline void do_clone(struct scratch *sc, struct ectx *x, struct task_struct *task, int special)
{
	struct wr *w = &sc->w;
	__s64 ret = x->v[SRC_RET];
	w_start(w, 21);
	w_int(sc, w, ret, 8);
	if (ret >= 0) {
		w_mm_args(sc, w, BPF_CORE_READ(task, mm));
	} else {
		w_empty(sc, w);
		w_empty(sc, w);
	}
	w_proc(sc, w, task);
	w_int(sc, w, clone_flags(x, task, special), 4);
	w_int(sc, w, BPF_CORE_READ(task, cred, euid.val), 4);
	w_int(sc, w, BPF_CORE_READ(task, cred, egid.val), 4);
	w_int(sc, w, task_vtid(task), 8);
	w_int(sc, w, task_vpid(task), 8);
	__u64 start = 0;
	if (ret == 0) {
		struct pid_namespace *ns = task_pid_ns(task);
		start = BPF_CORE_READ(ns, child_reaper, start_time);
	}
	w_int(sc, w, start, 8);
}

static __always_inline __u16 special_type(int special)
{
	switch (special) {
	case SP_EXECVE:
		return EV_EXECVE;
	case SP_EXECVEAT:
		return EV_EXECVEAT;
	case SP_CLONE3:
		return EV_CLONE3;
	case SP_FORK:
		return EV_FORK;
	case SP_VFORK:
		return EV_VFORK;
	}
	return EV_CLONE;
}
