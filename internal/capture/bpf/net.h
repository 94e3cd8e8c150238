/* Socket addresses (from user memory) and socket tuples (from the kernel's
 * struct sock), encoded as the event table's SOCKADDR and SOCKTUPLE: a
 * family byte, then for AF_INET the address (4 bytes, network order) and
 * the port (2 bytes, host order), for AF_INET6 the same with 16 bytes,
 * for AF_UNIX a path (sockaddr) or two kernel socket addresses and a path
 * (tuple). */
#pragma once

#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10
#define UNIX_PATH_ 108

struct sin_ {
	__u16 family;
	__u16 port; /* network order */
	__u32 addr;
	__u8 zero[8];
};

struct sin6_ {
	__u16 family;
	__u16 port;
	__u32 flowinfo;
	__u8 addr[16];
	__u32 scope;
};

static __always_inline __u16 swap16(__u16 v)
{
	return (v >> 8) | (v << 8);
}

/* w_sockaddr writes the user sockaddr at ptr of length len. */
static __always_inline void w_sockaddr(struct scratch *sc, struct wr *w, __u64 ptr, __u64 len)
{
	int off = w_off(w);
	if (off < 0)
		return;
	__u16 family = 0;
	if (!ptr || len < 2 || bpf_probe_read_user(&family, 2, (void *)ptr) < 0) {
		if (ptr && len >= 2)
			w->incomplete++;
		w_done(sc, w, 0);
		return;
	}
	__u8 *o = &sc->b[off];
	switch (family) {
	case AF_INET_: {
		struct sin_ s = {};
		bpf_probe_read_user(&s, sizeof(s), (void *)ptr);
		o[0] = AF_INET_;
		__builtin_memcpy(o + 1, &s.addr, 4);
		__u16 port = swap16(s.port);
		__builtin_memcpy(o + 5, &port, 2);
		w_done(sc, w, 7);
		return;
	}
	case AF_INET6_: {
		struct sin6_ s = {};
		bpf_probe_read_user(&s, sizeof(s), (void *)ptr);
		o[0] = AF_INET6_;
		__builtin_memcpy(o + 1, s.addr, 16);
		__u16 port = swap16(s.port);
		__builtin_memcpy(o + 17, &port, 2);
		w_done(sc, w, 19);
		return;
	}
	case AF_UNIX_: {
		o[0] = AF_UNIX_;
		long n = bpf_probe_read_user_str(o + 1, UNIX_PATH_ + 1, (void *)(ptr + 2));
		if (n <= 0) {
			o[1] = 0;
			n = 1;
		}
		w_done(sc, w, 1 + (n & 0xff));
		return;
	}
	default:
		o[0] = family;
		w_done(sc, w, 1);
	}
}

/* The remote end of an unconnected socket comes from a user sockaddr. */
struct peer_hint {
	__u64 ptr;
	__u64 len;
};

/* w_tuple writes the two ends of socket sock: local first, or remote first
 * when inbound (a connection that was accepted, data that was received).
 * A socket that is not connected takes its remote end from the hint. */
static __always_inline void w_tuple(struct scratch *sc, struct wr *w, struct socket *sock, int inbound,
				    struct peer_hint *hint)
{
	int off = w_off(w);
	if (off < 0)
		return;
	struct sock *sk = BPF_CORE_READ(sock, sk);
	if (!sk) {
		w_done(sc, w, 0);
		return;
	}
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u8 *o = &sc->b[off];
	__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u16 rport = swap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	switch (family) {
	case AF_INET_: {
		__u32 laddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 raddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		if (!raddr && !rport && hint->ptr && hint->len >= sizeof(struct sin_)) {
			struct sin_ s = {};
			if (bpf_probe_read_user(&s, sizeof(s), (void *)hint->ptr) == 0 && s.family == AF_INET_) {
				raddr = s.addr;
				rport = swap16(s.port);
			}
		}
		o[0] = AF_INET_;
		if (inbound) {
			__builtin_memcpy(o + 1, &raddr, 4);
			__builtin_memcpy(o + 5, &rport, 2);
			__builtin_memcpy(o + 7, &laddr, 4);
			__builtin_memcpy(o + 11, &lport, 2);
		} else {
			__builtin_memcpy(o + 1, &laddr, 4);
			__builtin_memcpy(o + 5, &lport, 2);
			__builtin_memcpy(o + 7, &raddr, 4);
			__builtin_memcpy(o + 11, &rport, 2);
		}
		w_done(sc, w, 13);
		return;
	}
	case AF_INET6_: {
		struct in6_addr la = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
		struct in6_addr ra = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
		o[0] = AF_INET6_;
		if (inbound) {
			__builtin_memcpy(o + 1, &ra, 16);
			__builtin_memcpy(o + 17, &rport, 2);
			__builtin_memcpy(o + 19, &la, 16);
			__builtin_memcpy(o + 35, &lport, 2);
		} else {
			__builtin_memcpy(o + 1, &la, 16);
			__builtin_memcpy(o + 17, &lport, 2);
			__builtin_memcpy(o + 19, &ra, 16);
			__builtin_memcpy(o + 35, &rport, 2);
		}
		w_done(sc, w, 37);
		return;
	}
	case AF_UNIX_: {
		struct unix_sock *us = (void *)sk;
		struct sock *peer = BPF_CORE_READ(us, peer);
		__u64 src = (__u64)sk, dst = (__u64)peer;
		o[0] = AF_UNIX_;
		__builtin_memcpy(o + 1, &src, 8);
		__builtin_memcpy(o + 9, &dst, 8);
		/* The path is the peer's name when it has one, else ours. */
		struct unix_address *addr = 0;
		if (peer)
			addr = BPF_CORE_READ((struct unix_sock *)peer, addr);
		if (!addr)
			addr = BPF_CORE_READ(us, addr);
		long n = 0;
		if (addr)
			n = bpf_probe_read_kernel_str(o + 17, UNIX_PATH_ + 1, &addr->name[0].sun_path);
		if (n <= 0) {
			o[17] = 0;
			n = 1;
		}
		w_done(sc, w, 17 + (n & 0xff));
		return;
	}
	default:
		o[0] = family;
		w_done(sc, w, 1);
	}
}

static __always_inline __u64 sock_ptr(struct socket *sock, int peer)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);
	if (!sk || !peer)
		return (__u64)sk;
	return (__u64)BPF_CORE_READ((struct unix_sock *)sk, peer);
}
