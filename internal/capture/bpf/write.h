/* Maps, and the writer that lays out one event in the scratch area of the
 * CPU: parameters are appended at w->pos and their lengths recorded in the
 * length array, in order. A writer that runs out of room sets w->err and
 * the event is dropped (and counted) instead of sent. */
#pragma once

/* The writer's state lives in the map value, not on the stack: values read
 * back from a map are unknown to the verifier, so the programs verify in
 * time linear in their length rather than in the number of paths that
 * different lengths would open. */
struct wr {
	__u32 pos;	  /* where the next parameter goes */
	__u32 idx;	  /* how many parameters are written */
	__u32 err;	  /* a parameter started past EV_LIMIT: drop the event */
	__u32 incomplete; /* parameters left empty by a failed read */
};

/* The values a table-driven event is made from (table.h). */
#define NVALS 16
struct ectx {
	__u64 v[NVALS]; /* arguments, return value, preloaded words */
	__u32 nr;
	__u32 snaplen;
};

struct scratch {
	struct wr w;
	struct ectx x;
	__u8 pad[16];
	__u8 b[SCRATCH + TMP_SIZE]; /* slack: a write at SCRATCH-1 still fits */
};

/* Path walks keep their state here too (see walk.h). */
struct tmpbuf {
	__u64 d, mnt, root_d, root_mnt, kn;
	__u32 off, trunc;
	__u64 argv;
	__u32 first, at, tot, fault;
	__u8 b[TMP_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23); /* set by the loader */
} events SEC(".maps");

/* One scratch area and one path-building buffer per CPU (max_entries is
 * set to the number of possible CPUs by the loader). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tmpbuf);
} tmp SEC(".maps");

/* want[nr] != 0: events of system call nr are captured. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} want SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, __u32);
	__type(value, struct spec);
} sysspecs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NCONV);
	__type(key, __u32);
	__type(value, struct conv);
} convs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counters);
} stats SEC(".maps");

/* clamp_off masks off with mask (a power of two minus one) in a way the
 * compiler cannot drop, so that the verifier sees the bound at the point of
 * use even where the compiler proved the mask redundant. */
static __always_inline __u64 clamp_off(__u64 off, const __u64 mask)
{
	asm volatile("%0 &= %1" : "+r"(off) : "i"(mask));
	return off;
}


static __always_inline struct scratch *scratch_of(__u32 cpu)
{
	return bpf_map_lookup_elem(&scratch, &cpu);
}

static __always_inline struct tmpbuf *tmp_of(__u32 cpu)
{
	return bpf_map_lookup_elem(&tmp, &cpu);
}

static __always_inline void w_start(struct wr *w, __u32 nparams)
{
	w->pos = REC_PREFIX + EV_HDR + 2 * nparams;
	w->idx = 0;
	w->err = 0;
	w->incomplete = 0;
}

/* w_off returns where the next parameter starts, or -1 when the event is
 * full (and marks it so). */
static __always_inline int w_off(struct wr *w)
{
	__u64 off = w->pos;
	if (off >= EV_LIMIT) {
		w->err = 1;
		return -1;
	}
	return clamp_off(off, EV_LIMIT - 1);
}

/* w_done records the length n of the parameter just written. */
static __always_inline void w_done(struct scratch *sc, struct wr *w, __u32 n)
{
	__u32 at = REC_PREFIX + EV_HDR + 2 * (w->idx & (MAX_PARAMS - 1));
	__u16 n16 = n;
	__builtin_memcpy(&sc->b[at], &n16, 2);
	w->idx++;
	w->pos += n;
}

static __always_inline void w_empty(struct scratch *sc, struct wr *w)
{
	if (w_off(w) < 0)
		return;
	w_done(sc, w, 0);
}

/* w_int writes the low size bytes of v (size 1, 2, 4 or 8). */
static __always_inline void w_int(struct scratch *sc, struct wr *w, __u64 v, __u32 size)
{
	int off = w_off(w);
	if (off < 0)
		return;
	switch (size) {
	case 1: {
		__u8 x = v;
		__builtin_memcpy(&sc->b[off], &x, 1);
		break;
	}
	case 2: {
		__u16 x = v;
		__builtin_memcpy(&sc->b[off], &x, 2);
		break;
	}
	case 4: {
		__u32 x = v;
		__builtin_memcpy(&sc->b[off], &x, 4);
		break;
	}
	default:
		size = 8;
		__builtin_memcpy(&sc->b[off], &v, 8);
	}
	w_done(sc, w, size);
}

/* w_ustr writes the user string at ptr (at most max bytes with its NUL,
 * max <= STR_MAX); NULL gives an empty parameter. */
static __always_inline void w_ustr(struct scratch *sc, struct wr *w, __u64 ptr, __u32 max)
{
	int off = w_off(w);
	if (off < 0)
		return;
	if (!ptr) {
		w_done(sc, w, 0);
		return;
	}
	if (max > STR_MAX)
		max = STR_MAX;
	long n = bpf_probe_read_user_str(&sc->b[off], max, (void *)ptr);
	if (n <= 0) {
		w->incomplete++;
		n = 0;
	}
	w_done(sc, w, n);
}

static __always_inline void w_kstr(struct scratch *sc, struct wr *w, const void *ptr, __u32 max)
{
	int off = w_off(w);
	if (off < 0)
		return;
	if (!ptr) {
		w_done(sc, w, 0);
		return;
	}
	if (max > STR_MAX)
		max = STR_MAX;
	long n = bpf_probe_read_kernel_str(&sc->b[off], max, ptr);
	if (n <= 0) {
		w->incomplete++;
		n = 0;
	}
	w_done(sc, w, n);
}

/* w_ubuf writes len bytes of user memory at ptr (len <= SNAP_MAX). */
static __always_inline void w_ubuf(struct scratch *sc, struct wr *w, __u64 ptr, __u64 len)
{
	int off = w_off(w);
	if (off < 0)
		return;
	__u32 n = 0;
	if (ptr && len)
		n = len > SNAP_MAX ? SNAP_MAX : len;
	if (n && bpf_probe_read_user(&sc->b[off], n, (void *)ptr) < 0) {
		w->incomplete++;
		n = 0;
	}
	w_done(sc, w, n);
}

static __always_inline void ev_header(struct scratch *sc, struct wr *w, __u16 type, __u64 tid,
				      __u32 cpu, struct config *cfg)
{
	__u32 zero = 0;
	__u64 ts = cfg->boot_ns + bpf_ktime_get_boot_ns();
	__u32 len = w->pos - REC_PREFIX;
	__u32 np = w->idx;
	__builtin_memcpy(&sc->b[0], &cpu, 4);
	__builtin_memcpy(&sc->b[4], &zero, 4);
	__builtin_memcpy(&sc->b[REC_PREFIX + 0], &ts, 8);
	__builtin_memcpy(&sc->b[REC_PREFIX + 8], &tid, 8);
	__builtin_memcpy(&sc->b[REC_PREFIX + 16], &len, 4);
	__builtin_memcpy(&sc->b[REC_PREFIX + 20], &type, 2);
	__builtin_memcpy(&sc->b[REC_PREFIX + 22], &np, 4);
}

/* ev_send finishes and sends the event (or counts why it could not). The
 * reader is woken once every cfg->batch events of this CPU; in between it
 * finds the events on its poll timer. */
static __always_inline void ev_send(struct scratch *sc, struct wr *w, __u16 type, struct config *cfg,
				    struct counters *c, __u32 cpu)
{
	c->incomplete += w->incomplete;
	if (w->err || w->pos >= SCRATCH) {
		c->drop_other++;
		return;
	}
	ev_header(sc, w, type, bpf_get_current_pid_tgid() & 0xffffffff, cpu, cfg);
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (++c->unwoken >= cfg->batch) {
		flags = BPF_RB_FORCE_WAKEUP;
		c->unwoken = 0;
	}
	__u32 size = w->pos & (SCRATCH - 1);
	if (bpf_ringbuf_output(&events, sc->b, size, flags) == 0)
		c->sent++;
	else
		c->drop_full++;
}
