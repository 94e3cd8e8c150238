//go:build ignore

/* Peregrine's live capture: every system call exit (tp_btf/sys_exit) and
 * every process exit (tp_btf/sched_process_exit) that user space asked for
 * becomes one scap event in the ring buffer "events". What to capture and
 * how to encode each system call come from maps the Go loader fills. */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "layout.h"
#include "write.h"
#include "task.h"
#include "walk.h"
#include "net.h"
#include "table.h"
#include "proc.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

static __always_inline int capture(struct pt_regs *regs, long ret, __u32 nr, struct counters *c)
{
	__u32 zero = 0;
	struct spec *s = bpf_map_lookup_elem(&sysspecs, &nr);
	struct config *cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!s || !cfg || !s->type) {
		c->filtered++;
		return 0;
	}
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch *sc = scratch_of(cpu);
	if (!sc) {
		c->drop_other++;
		return 0;
	}
	struct ectx *x = &sc->x;
	x->v[0] = regs->di;
	x->v[1] = regs->si;
	x->v[2] = regs->dx;
	x->v[3] = regs->r10;
	x->v[4] = regs->r8;
	x->v[5] = regs->r9;
	x->v[SRC_RET] = ret;
	for (int k = SRC_WORDS; k < NVALS; k++)
		x->v[k] = 0;
	x->nr = nr;
	x->snaplen = cfg->snaplen > SNAP_MAX ? SNAP_MAX : cfg->snaplen;
	int preload_failed = 0;
	__u32 words = s->preload_words;
	if (words) {
		if (words > NWORDS)
			words = NWORDS;
		__u64 from = val(x, s->preload_src);
		if (!from || bpf_probe_read_user(&x->v[SRC_WORDS], words * 8, (void *)from) < 0)
			preload_failed = 1;
	}
	struct task_struct *task = bpf_get_current_task_btf();
	__u16 type = s->type;
	int special = s->special;
	switch (special) {
	case SP_EXECVE:
	case SP_EXECVEAT:
		do_execve(sc, x, task, special == SP_EXECVEAT);
		type = special_type(special);
		break;
	case SP_CLONE:
	case SP_CLONE3:
	case SP_FORK:
	case SP_VFORK:
		do_clone(sc, x, task, special);
		type = special_type(special);
		break;
	default: {
		__u32 np = s->nparams;
		if (np > SPEC_PARAMS)
			np = SPEC_PARAMS;
		w_start(&sc->w, np);
		sc->w.incomplete = preload_failed;
		bpf_loop(np, encode_param, 0, 0);
		if (sc->w.idx != np)
			sc->w.err = 1;
	}
	}
	ev_send(sc, &sc->w, type, cfg, c, cpu);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u32 zero = 0;
	struct counters *c = bpf_map_lookup_elem(&stats, &zero);
	if (!c)
		return 0;
	c->seen++;
	__u32 nr = regs->orig_ax;
	__u32 *on = bpf_map_lookup_elem(&want, &nr);
	if (!on || !*on) {
		c->filtered++;
		return 0;
	}
	return capture(regs, ret, nr, c);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *task)
{
	__u32 zero = 0;
	struct counters *c = bpf_map_lookup_elem(&stats, &zero);
	struct config *cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!c || !cfg)
		return 0;
	c->seen++;
	if (!cfg->procexit || (BPF_CORE_READ(task, flags) & PF_KTHREAD_)) {
		c->filtered++;
		return 0;
	}
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch *sc = scratch_of(cpu);
	if (!sc) {
		c->drop_other++;
		return 0;
	}
	struct wr *w = &sc->w;
	w_start(w, 5);
	__s32 code = BPF_CORE_READ(task, exit_code);
	__u8 sig = code & 0x7f;
	if (sig == 0x7f)
		sig = 0; /* stopped, not killed */
	w_int(sc, w, (__s64)code, 8);
	w_int(sc, w, (code >> 8) & 0xff, 8);
	w_int(sc, w, sig, 1);
	w_int(sc, w, (code & 0x80) ? 1 : 0, 1);
	w_int(sc, w, task_reaper(task), 8);
	ev_send(sc, w, EV_PROCEXIT, cfg, c, cpu);
	return 0;
}
