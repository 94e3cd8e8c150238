/* Paths built by walking the kernel's trees upward: a dentry path (the
 * current directory, the executable) through the mounts up to the task's
 * root, and a cgroup path through its kernfs nodes. bpf_d_path is not
 * allowed from tracepoints, so the walk assembles the path backwards in
 * the CPU's tmp buffer, ending at PATH_END, one component per bpf_loop
 * step; the result is then copied into the event. */
#pragma once

#define WALK_STEPS 64
#define NAME_MAX_ 255
#define STAGE (PATH_END + 512) /* where kernfs names are staged in tmp */

/* put_component prepends "/" and name (len bytes, kernel memory) to the
 * path being built in t; it returns 1 when the path is full. */
static __always_inline int put_component(struct tmpbuf *t, const void *name, __u32 len)
{
	__u32 off = t->off;
	if (len > NAME_MAX_)
		len = NAME_MAX_;
	if (off < len + 1 || off > PATH_END) {
		t->trunc = 1;
		return 1;
	}
	off -= len;
	bpf_probe_read_kernel(&t->b[clamp_off(off, PATH_END - 1)], len & NAME_MAX_, name);
	off -= 1;
	t->b[clamp_off(off, PATH_END - 1)] = '/';
	t->off = off;
	return 0;
}

/* dentry_step moves one step up from t->d: a component, or a mount
 * crossing. The walk's state is in the CPU's tmp buffer. */
static long dentry_step(__u32 i, void *arg)
{
	struct tmpbuf *t = tmp_of(bpf_get_smp_processor_id());
	if (!t)
		return 1;
	struct dentry *d = (void *)t->d;
	struct vfsmount *mnt = (void *)t->mnt;
	if (!d || !mnt || (t->d == t->root_d && t->mnt == t->root_mnt))
		return 1;
	if (d == BPF_CORE_READ(mnt, mnt_root)) {
		/* The top of a mount: go on from where it is mounted. */
		struct mount *m = (void *)mnt - bpf_core_field_offset(struct mount, mnt);
		struct mount *parent = BPF_CORE_READ(m, mnt_parent);
		if (!parent || parent == m)
			return 1;
		t->d = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
		t->mnt = (__u64)parent + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	struct dentry *up = BPF_CORE_READ(d, d_parent);
	if (!up || up == d)
		return 1;
	__u32 len = BPF_CORE_READ(d, d_name.len);
	const unsigned char *name = BPF_CORE_READ(d, d_name.name);
	if (put_component(t, name, len))
		return 1;
	t->d = (__u64)up;
	return 0;
}

/* kernfs_node's parent field was renamed __parent in 6.15. */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node, __parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

static long kernfs_step(__u32 i, void *arg)
{
	struct tmpbuf *t = tmp_of(bpf_get_smp_processor_id());
	if (!t || !t->kn)
		return 1;
	struct kernfs_node *kn = (void *)t->kn;
	struct kernfs_node *up = kn_parent(kn);
	if (!up)
		return 1; /* the root node is "/" */
	const char *name = BPF_CORE_READ(kn, name);
	/* Node names are NUL-terminated: stage the name past the path area,
	 * then copy it into place once its length is known. */
	__u32 off = t->off;
	if (off < NAME_MAX_ + 2 || off > PATH_END) {
		t->trunc = 1;
		return 1;
	}
	long n = bpf_probe_read_kernel_str(&t->b[STAGE], NAME_MAX_ + 1, name);
	if (n <= 1)
		return 1;
	__u32 len = (n - 1) & NAME_MAX_;
	off -= len;
	bpf_probe_read_kernel(&t->b[clamp_off(off, PATH_END - 1)], len, &t->b[STAGE]);
	off -= 1;
	t->b[clamp_off(off, PATH_END - 1)] = '/';
	t->off = off;
	t->kn = (__u64)up;
	return 0;
}

/* w_tmp_path copies the path built in t (t->b[t->off:PATH_END]) and a NUL
 * into the event as one parameter; an empty walk gives "/". */
static __always_inline void w_tmp_path(struct scratch *sc, struct wr *w, struct tmpbuf *t)
{
	if (t->trunc)
		w->incomplete++;
	__u32 off = t->off;
	if (off >= PATH_END) {
		off = PATH_END - 1;
		t->b[PATH_END - 1] = '/';
	}
	t->b[PATH_END] = 0;
	int at = w_off(w);
	if (at < 0)
		return;
	__u32 n = PATH_END + 1 - off;
	bpf_probe_read_kernel(&sc->b[at], clamp_off(n, TMP_SIZE - 1), &t->b[clamp_off(off, PATH_END - 1)]);
	w_done(sc, w, n);
}

/* w_path writes the path of p as seen from the task's root. */
static __always_inline void w_path(struct scratch *sc, struct wr *w, struct task_struct *task,
				   const struct path *p)
{
	struct tmpbuf *t = tmp_of(bpf_get_smp_processor_id());
	if (!t || !p) {
		w_empty(sc, w);
		return;
	}
	t->d = (__u64)BPF_CORE_READ(p, dentry);
	t->mnt = (__u64)BPF_CORE_READ(p, mnt);
	t->root_d = (__u64)BPF_CORE_READ(task, fs, root.dentry);
	t->root_mnt = (__u64)BPF_CORE_READ(task, fs, root.mnt);
	t->off = PATH_END;
	t->trunc = 0;
	if (!t->d) {
		w_empty(sc, w);
		return;
	}
	bpf_loop(WALK_STEPS, dentry_step, 0, 0);
	w_tmp_path(sc, w, t);
}

#define CGROUPS_MAX 4096

/* cgroup_step appends "subsystem=path" and a NUL for subsystem i of the
 * task's css_set (in t->kn's place, t->d holds the css_set). */
static long cgroup_step(__u32 i, void *arg)
{
	struct scratch *sc = scratch_of(bpf_get_smp_processor_id());
	struct tmpbuf *t = tmp_of(bpf_get_smp_processor_id());
	if (!sc || !t || i >= CGROUP_SUBSYS_COUNT)
		return 1;
	struct css_set *cs = (void *)t->d;
	struct cgroup_subsys_state *css = BPF_CORE_READ(cs, subsys[i]);
	if (!css)
		return 0;
	__u32 tot = t->tot;
	if (tot > CGROUPS_MAX - 64)
		return 1;
	const char *name = BPF_CORE_READ(css, ss, name);
	__u32 o = clamp_off(t->at + tot, SCRATCH - 1);
	long n = bpf_probe_read_kernel_str(&sc->b[o], 32, name);
	if (n <= 1)
		return 0;
	tot += n - 1;
	sc->b[clamp_off(t->at + tot, SCRATCH - 1)] = '=';
	tot++;
	t->kn = (__u64)BPF_CORE_READ(css, cgroup, kn);
	t->off = PATH_END;
	bpf_loop(WALK_STEPS, kernfs_step, 0, 0);
	__u32 off = t->off;
	if (off >= PATH_END) {
		off = PATH_END - 1;
		t->b[PATH_END - 1] = '/';
	}
	t->b[PATH_END] = 0;
	__u32 plen = PATH_END + 1 - off;
	if (tot + plen > CGROUPS_MAX) {
		t->trunc = 1;
		return 1;
	}
	bpf_probe_read_kernel(&sc->b[clamp_off(t->at + tot, SCRATCH - 1)], clamp_off(plen, TMP_SIZE - 1),
			      &t->b[clamp_off(off, PATH_END - 1)]);
	t->tot = tot + plen;
	return 0;
}

/* w_cgroups writes the task's cgroups as "subsystem=path" strings, each
 * NUL-terminated, in subsystem order (one entry per controller, as libs
 * writes them). */
static __always_inline void w_cgroups(struct scratch *sc, struct wr *w, struct task_struct *task)
{
	int at = w_off(w);
	struct tmpbuf *t = tmp_of(bpf_get_smp_processor_id());
	if (at < 0)
		return;
	if (!t) {
		w_done(sc, w, 0);
		return;
	}
	t->d = (__u64)BPF_CORE_READ(task, cgroups);
	t->at = at;
	t->tot = 0;
	t->trunc = 0;
	bpf_loop(CGROUP_SUBSYS_COUNT, cgroup_step, 0, 0);
	if (t->trunc)
		w->incomplete++;
	w_done(sc, w, t->tot);
}
