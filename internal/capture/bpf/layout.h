/* Layout shared by the BPF programs and the Go loader (which receives the
 * structures below through bpf2go's -type flags): the record each event
 * travels in, the per-syscall encoding specs, the flag conversion tables,
 * the configuration and the counters. */
#pragma once

/* A ring buffer record is an 8-byte prefix (the CPU number, then zeros)
 * followed by one event in the scap v2 layout: a 26-byte header, one
 * 16-bit length per parameter, the parameters. */
#define REC_PREFIX 8
#define EV_HDR 26

/* Sizes. A parameter may start only below EV_LIMIT; none is longer than
 * EV_LIMIT, so an event always fits the SCRATCH bytes of its CPU's
 * scratch area. */
#define SCRATCH 65536
#define EV_LIMIT 32768
#define TMP_SIZE 8192
#define STR_MAX 4096
#define SNAP_MAX 16384
#define PATH_END 4096

#define NR_SLOTS 512	/* x86_64 system call numbers we index */
#define SPEC_PARAMS 10	/* parameters of a table-driven event */
#define MAX_PARAMS 32	/* parameters of any event we write */
#define NCONV 16	/* flag conversion tables */
#define CONV_ENTRIES 48 /* entries of one table */
#define NWORDS 7	/* user words a spec may preload */

/* What a parameter is made of (struct pspec.kind). "Source" is an index
 * into the value array of the event: 0-5 the system call arguments, 6 the
 * return value, 7-13 the words preloaded from user memory. */
enum pkind {
	PK_EMPTY = 0,	 /* a zero-length parameter */
	PK_INT = 1,	 /* the source, converted, as a size-byte integer */
	PK_CONST = 2,	 /* the 16-bit constant aux | aux2 << 8 */
	PK_STR = 3,	 /* the user string the source points to */
	PK_DATA = 4,	 /* user bytes at the source, length from aux, at most snaplen */
	PK_SOCKADDR = 5, /* the user sockaddr at the source, length from aux */
	PK_TUPLE = 6,	 /* both ends of the socket whose fd is the source */
	PK_FD_DEV = 7,	 /* the device of the file whose fd is the source */
	PK_FD_INO = 8,	 /* the inode number of that file */
	PK_SOCK_PTR = 9, /* the kernel address of the socket of that fd */
	PK_PEER_PTR = 10,/* the kernel address of its unix peer */
	PK_QUEUE = 11,	 /* accept queue of the listening fd: aux 0 pct, 1 len, 2 max */
	PK_CAP = 12,	 /* capabilities of the task: aux 0 inheritable, 1 permitted, 2 effective */
	PK_DYN = 13,	 /* a PT_DYN holding the source as a u64 (index 0) */
	PK_IOV_SIZE = 14,/* total length of the iovec array at the source, count in aux */
	PK_IOV_DATA = 15,/* the bytes of its first element, at most the return value and snaplen */
	PK_PRCTL_STR = 16,/* prctl's arg2 as a string for PR_[GS]ET_NAME, else empty */
	PK_PRCTL_INT = 17,/* prctl's arg2 as an integer for the other options */
	PK_USTR_FIXED = 18,/* like PK_STR but at most aux bytes */
};

/* pspec.flags */
#define PF_SEXT32 1	  /* sign-extend the low 32 bits (an int argument) */
#define PF_HI32 2	  /* take the high 32 bits of the source first */
#define PF_MODE_GUARD 4	  /* zero unless the open flags in source aux have O_CREAT or O_TMPFILE */
#define PF_CREATED 8	  /* add PPM_O_F_CREATED when the file of fd aux was created */
#define PF_MOUNT_MAGIC 16 /* drop the old mount magic number from the high bits */
#define PF_INBOUND 32	  /* tuple: the remote end first (accept, recv*) */
#define PF_LENPTR 64	  /* the length source points to a 32-bit length */
#define PF_OKONLY 128	  /* tuple: only for success or EINPROGRESS */

#define NO_SRC 0xff

struct pspec {
	__u8 kind;
	__u8 src;
	__u8 size;
	__u8 conv;
	__u8 aux;
	__u8 aux2;
	__u8 flags;
	__u8 pad;
};

/* struct spec.special: events with dedicated code. */
enum special {
	SP_TABLE = 0,
	SP_EXECVE = 1,
	SP_EXECVEAT = 2,
	SP_CLONE = 3,
	SP_CLONE3 = 4,
	SP_FORK = 5,
	SP_VFORK = 6,
};

struct spec {
	__u16 type;	    /* event type; 0: no event for this system call */
	__u8 nparams;
	__u8 special;
	__u8 preload_src;   /* argument pointing to the words to preload */
	__u8 preload_words; /* how many 64-bit words (0: none) */
	__u8 pad[2];
	struct pspec p[SPEC_PARAMS];
};

/* A conversion: for each entry whose (value & mask) == val, out is ORed
 * into the result (bit flags); in enum mode the first such entry's out is
 * the result, dflt when none matches. */
struct conv_entry {
	__u32 mask;
	__u32 val;
	__u32 out;
};

struct conv {
	__u32 n;
	__u32 enum_mode;
	__u32 dflt;
	__u32 pad;
	struct conv_entry e[CONV_ENTRIES];
};

/* Conversion table ids the dedicated code uses; the Go side fills them. */
#define CONV_CLONE 1

struct config {
	__u64 boot_ns;	/* epoch ns of boot: event time = boot_ns + boot time */
	__u32 snaplen;	/* bytes of I/O data to capture (0: none) */
	__u32 batch;	/* events per CPU between two wakeups of the reader */
	__u32 procexit; /* capture procexit events */
	__u32 pad;
};

struct counters {
	__u64 seen;	  /* system call exits and process exits observed */
	__u64 sent;	  /* events written to the ring buffer */
	__u64 drop_full;  /* events lost: ring buffer full */
	__u64 drop_other; /* events lost: too large, or no scratch space */
	__u64 filtered;	  /* observed but not wanted */
	__u64 incomplete; /* parameters left empty because a read failed */
	__u64 unwoken;	  /* events sent since the last wakeup */
};
