/* The table-driven encoder: most system calls are described by a struct
 * spec that the loader writes into the specs map, and this code turns the
 * spec and the system call's arguments into the exit event, one parameter
 * per bpf_loop step (the step is verified once, whatever the spec). */
#pragma once

#define SRC_RET 6
#define SRC_WORDS 7
#define PRCTL_SET_NAME 15
#define PRCTL_GET_NAME 16
#define PRCTL_GET_CHILD_SUBREAPER 37
#define EINPROGRESS_ 115


/* convert maps v through conversion table id (0: unchanged). */
static __always_inline __u64 convert(__u32 id, __u64 v)
{
	if (!id)
		return v;
	struct conv *c = bpf_map_lookup_elem(&convs, &id);
	if (!c)
		return v;
	__u32 n = c->n;
	__u32 res = 0;
	for (int k = 0; k < CONV_ENTRIES; k++) {
		if (k >= n)
			break;
		struct conv_entry e = c->e[k];
		if (((__u32)v & e.mask) == e.val) {
			if (c->enum_mode)
				return e.out;
			res |= e.out;
		}
	}
	if (c->enum_mode)
		return c->dflt;
	return res;
}

static __always_inline __u64 val(struct ectx *x, __u8 src)
{
	if (src >= NVALS)
		return 0;
	return x->v[src & (NVALS - 1)];
}

static __always_inline __u64 int_value(struct ectx *x, struct pspec *p, struct task_struct *task)
{
	__u64 v = val(x, p->src);
	if (p->flags & PF_HI32)
		v >>= 32;
	if (p->flags & PF_SEXT32)
		v = (__u64)(__s64)(__s32)v;
	if (p->flags & PF_MOUNT_MAGIC) {
		if ((v & 0xffff0000) == 0xC0ED0000)
			v &= 0xffff;
	}
	v = convert(p->conv, v);
	if (p->flags & PF_MODE_GUARD) {
		__u64 of = val(x, p->aux);
		if (!(of & O_CREAT_) && (of & O_TMPFILE_) != O_TMPFILE_)
			v = 0;
	}
	if (p->flags & PF_CREATED) {
		struct file *f = fd_file(task, (__s64)val(x, p->aux));
		if (f && (BPF_CORE_READ(f, f_mode) & FMODE_CREATED_))
			v |= PPM_O_F_CREATED;
	}
	return v;
}

/* data_len bounds a data length to the snaplen; negative is none. */
static __always_inline __u64 data_len(struct ectx *x, __u64 len)
{
	if ((__s64)len <= 0)
		return 0;
	if (len > x->snaplen)
		len = x->snaplen;
	return len;
}

static long encode_param(__u32 i, void *arg)
{
	struct scratch *sc = scratch_of(bpf_get_smp_processor_id());
	if (!sc)
		return 1;
	struct ectx *x = &sc->x;
	__u32 nr = x->nr;
	struct spec *s = bpf_map_lookup_elem(&sysspecs, &nr);
	if (!sc || !s)
		return 1;
	struct wr *w = &sc->w;
	if (i >= SPEC_PARAMS) {
		w->err = 1;
		return 1;
	}
	struct pspec p = s->p[i];
	struct task_struct *task = bpf_get_current_task_btf();
	switch (p.kind) {
	case PK_INT:
		w_int(sc, w, int_value(x, &p, task), p.size);
		break;
	case PK_CONST:
		w_int(sc, w, (__u64)p.aux | ((__u64)p.aux2 << 8), p.size);
		break;
	case PK_STR:
		w_ustr(sc, w, val(x, p.src), STR_MAX);
		break;
	case PK_USTR_FIXED:
		w_ustr(sc, w, val(x, p.src), p.aux);
		break;
	case PK_DATA:
		w_ubuf(sc, w, val(x, p.src), data_len(x, val(x, p.aux)));
		break;
	case PK_SOCKADDR: {
		__u64 len = val(x, p.aux);
		if (p.flags & PF_LENPTR) {
			__u32 l = 0;
			if (len)
				bpf_probe_read_user(&l, 4, (void *)len);
			len = l;
		}
		w_sockaddr(sc, w, val(x, p.src), len);
		break;
	}
	case PK_TUPLE: {
		__s64 ret = (__s64)x->v[SRC_RET];
		struct socket *sock = 0;
		if (!(p.flags & PF_OKONLY) || ret >= 0 || ret == -EINPROGRESS_)
			sock = file_socket(fd_file(task, (__s32)val(x, p.src)));
		if (!sock) {
			w_empty(sc, w);
			break;
		}
		struct peer_hint h = {};
		if (p.aux != NO_SRC) {
			h.ptr = val(x, p.aux);
			h.len = val(x, p.aux2);
			if ((p.flags & PF_LENPTR) && h.len) {
				__u32 l = 0;
				bpf_probe_read_user(&l, 4, (void *)h.len);
				h.len = l;
			}
		}
		w_tuple(sc, w, sock, p.flags & PF_INBOUND, &h);
		break;
	}
	case PK_FD_DEV:
	case PK_FD_INO: {
		struct file *f = fd_file(task, (__s32)val(x, p.src));
		__u64 v = 0;
		if (f) {
			if (p.kind == PK_FD_DEV)
				v = encode_dev(BPF_CORE_READ(f, f_inode, i_sb, s_dev));
			else
				v = BPF_CORE_READ(f, f_inode, i_ino);
		}
		w_int(sc, w, v, p.size);
		break;
	}
	case PK_SOCK_PTR:
	case PK_PEER_PTR: {
		struct socket *sock = file_socket(fd_file(task, (__s32)val(x, p.src)));
		__u64 v = 0;
		if (sock)
			v = sock_ptr(sock, p.kind == PK_PEER_PTR);
		w_int(sc, w, v, 8);
		break;
	}
	case PK_QUEUE: {
		struct socket *sock = file_socket(fd_file(task, (__s32)val(x, p.src)));
		__u32 len = 0, max = 0;
		if (sock) {
			struct sock *sk = BPF_CORE_READ(sock, sk);
			len = BPF_CORE_READ(sk, sk_ack_backlog);
			max = BPF_CORE_READ(sk, sk_max_ack_backlog);
		}
		__u64 v = len;
		if (p.aux == 0)
			v = max ? (__u64)len * 100 / max : 0;
		else if (p.aux == 2)
			v = max;
		w_int(sc, w, v, p.size);
		break;
	}
	case PK_CAP:
		w_int(sc, w, task_cap(task, p.aux), 8);
		break;
	case PK_DYN: {
		int off = w_off(w);
		if (off < 0)
			break;
		__u64 v = val(x, p.src);
		sc->b[off] = 0;
		__builtin_memcpy(&sc->b[off + 1], &v, 8);
		w_done(sc, w, 9);
		break;
	}
	case PK_IOV_SIZE: {
		__u64 iov = val(x, p.src), cnt = val(x, p.aux), tot = 0;
		for (int k = 0; k < 8; k++) {
			if (k >= cnt)
				break;
			__u64 l = 0;
			bpf_probe_read_user(&l, 8, (void *)(iov + 16 * k + 8));
			tot += l;
		}
		w_int(sc, w, tot, p.size);
		break;
	}
	case PK_IOV_DATA: {
		__u64 iov = val(x, p.src), cnt = val(x, p.aux);
		__u64 e[2] = {};
		if (cnt && iov)
			bpf_probe_read_user(e, sizeof(e), (void *)iov);
		__u64 n = e[1];
		__s64 ret = (__s64)x->v[SRC_RET];
		if (ret < 0)
			n = 0;
		else if (n > (__u64)ret)
			n = ret;
		w_ubuf(sc, w, e[0], data_len(x, n));
		break;
	}
	case PK_PRCTL_STR: {
		__u64 opt = x->v[0];
		if (opt == PRCTL_SET_NAME || opt == PRCTL_GET_NAME)
			w_ustr(sc, w, x->v[1], 16);
		else
			w_empty(sc, w);
		break;
	}
	case PK_PRCTL_INT: {
		__u64 opt = x->v[0];
		if (opt == PRCTL_SET_NAME || opt == PRCTL_GET_NAME) {
			w_empty(sc, w);
		} else if (opt == PRCTL_GET_CHILD_SUBREAPER) {
			__s32 r = 0;
			bpf_probe_read_user(&r, 4, (void *)x->v[1]);
			w_int(sc, w, (__s64)r, 8);
		} else {
			w_int(sc, w, x->v[1], 8);
		}
		break;
	}
	default:
		w_empty(sc, w);
	}
	return w->err ? 1 : 0;
}
