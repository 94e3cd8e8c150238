package scap

// convTableProc covers process life cycle events (execve, execveat, the
// clone family, process exit), the scheduler switch and container events.
// Old execve and clone layouts climb one version per rule until they reach
// the current one; the parameters each version added are left empty.
var convTableProc = []convRule{
	// execve enter events carry nothing until version 18 (filename).
	{typ: 12, name: "SYSCALL_EXECVE_8_E", n: 0, act: actChangeType, to: 154},
	{typ: 154, name: "SYSCALL_EXECVE_13_E", n: 0, act: actChangeType, to: 172},
	{typ: 172, name: "SYSCALL_EXECVE_14_E", n: 0, act: actChangeType, to: 214},
	{typ: 214, name: "SYSCALL_EXECVE_15_E", n: 0, act: actChangeType, to: 230},
	{typ: 230, name: "SYSCALL_EXECVE_16_E", n: 0, act: actChangeType, to: 282},
	{typ: 282, name: "SYSCALL_EXECVE_17_E", n: 0, act: actChangeType, to: 288, steps: convEmpty(1)},
	{typ: 288, name: "SYSCALL_EXECVE_18_E", n: 1, act: actChangeType, to: 292, steps: convOld(0)},
	{typ: 292, name: "SYSCALL_EXECVE_19_E", n: 1, act: actStoreAndPass},

	// execve exits: 8 -> 13 (page faults and memory) -> 14 (env) ->
	// 15 (comm, before env) -> 16 (cgroups, before env) -> 17 (tty) ->
	// 18 (same layout) -> 19 (vpgid), then appended parameters.
	{typ: 13, name: "SYSCALL_EXECVE_8_X", n: 8, act: actChangeType, to: 155,
		steps: convSeq(convOldRange(0, 8), convEmpty(5))},
	{typ: 155, name: "SYSCALL_EXECVE_13_X", n: 13, act: actChangeType, to: 173,
		steps: convSeq(convOldRange(0, 13), convEmpty(1))},
	{typ: 173, name: "SYSCALL_EXECVE_14_X", n: 14, act: actChangeType, to: 215,
		steps: convSeq(convOldRange(0, 13), convEmpty(1), convOld(13))},
	{typ: 215, name: "SYSCALL_EXECVE_15_X", n: 15, act: actChangeType, to: 231,
		steps: convSeq(convOldRange(0, 14), convEmpty(1), convOld(14))},
	{typ: 231, name: "SYSCALL_EXECVE_16_X", n: 16, act: actChangeType, to: 283,
		steps: convSeq(convOldRange(0, 16), convEmpty(1))},
	{typ: 283, name: "SYSCALL_EXECVE_17_X", n: 17, act: actChangeType, to: 289,
		steps: convOldRange(0, 17)},
	{typ: 289, name: "SYSCALL_EXECVE_18_X", n: 17, act: actChangeType, to: 293,
		steps: convSeq(convOldRange(0, 17), convEmpty(1))},
	{typ: 293, name: "SYSCALL_EXECVE_19_X", n: 18, act: actAdd, steps: convEmpty(1)},        // loginuid
	{typ: 293, name: "SYSCALL_EXECVE_19_X", n: 19, act: actAdd, steps: convEmpty(1)},        // flags
	{typ: 293, name: "SYSCALL_EXECVE_19_X", n: 20, act: actAdd, steps: convEmpty(3)},        // capabilities
	{typ: 293, name: "SYSCALL_EXECVE_19_X", n: 23, act: actAdd, steps: convEmpty(3)},        // exe inode and times
	{typ: 293, name: "SYSCALL_EXECVE_19_X", n: 26, act: actAdd, steps: convEmpty(1)},        // uid
	{typ: 293, name: "SYSCALL_EXECVE_19_X", n: 27, act: actAdd, steps: convEmpty(1)},        // trusted_exepath
	{typ: 293, name: "SYSCALL_EXECVE_19_X", n: 28, act: actAdd, steps: convEmpty(1)},        // pgid
	{typ: 293, name: "SYSCALL_EXECVE_19_X", n: 29, act: actAdd, steps: convEmpty(1)},        // gid
	{typ: 293, name: "SYSCALL_EXECVE_19_X", n: 30, act: actAdd, steps: convEnterOrEmpty(0)}, // filename

	{typ: 330, name: "SYSCALL_EXECVEAT_E", n: 3, act: actPass},
	{typ: 331, name: "SYSCALL_EXECVEAT_X", n: 19, act: actAdd, steps: convEmpty(1)},
	{typ: 331, name: "SYSCALL_EXECVEAT_X", n: 20, act: actAdd, steps: convEmpty(3)},
	{typ: 331, name: "SYSCALL_EXECVEAT_X", n: 23, act: actAdd, steps: convEmpty(3)},
	{typ: 331, name: "SYSCALL_EXECVEAT_X", n: 26, act: actAdd, steps: convEmpty(1)},
	{typ: 331, name: "SYSCALL_EXECVEAT_X", n: 27, act: actAdd, steps: convEmpty(1)},
	{typ: 331, name: "SYSCALL_EXECVEAT_X", n: 28, act: actAdd, steps: convEmpty(1)},
	{typ: 331, name: "SYSCALL_EXECVEAT_X", n: 29, act: actAdd, steps: convEmpty(1)},

	// clone, fork and vfork exits: 11 -> 16 (page faults and memory) ->
	// 17 (comm) -> 20 (cgroups, vtid, vpid) -> 21 (pidns_init_start_ts).
	{typ: 15, name: "SYSCALL_CLONE_11_X", n: 11, act: actChangeType, to: 157,
		steps: convSeq(convOldRange(0, 8), convEmpty(5), convOld(8, 9, 10))},
	{typ: 157, name: "SYSCALL_CLONE_16_X", n: 16, act: actChangeType, to: 217, steps: convClone16to17},
	{typ: 217, name: "SYSCALL_CLONE_17_X", n: 17, act: actChangeType, to: 223, steps: convClone17to20},
	{typ: 223, name: "SYSCALL_CLONE_20_X", n: 20, act: actAdd, steps: convEmpty(1)},
	{typ: 183, name: "SYSCALL_FORK_X", n: 16, act: actChangeType, to: 219, steps: convClone16to17},
	{typ: 219, name: "SYSCALL_FORK_17_X", n: 17, act: actChangeType, to: 225, steps: convClone17to20},
	{typ: 225, name: "SYSCALL_FORK_20_X", n: 20, act: actAdd, steps: convEmpty(1)},
	{typ: 185, name: "SYSCALL_VFORK_X", n: 16, act: actChangeType, to: 221, steps: convClone16to17},
	{typ: 221, name: "SYSCALL_VFORK_17_X", n: 17, act: actChangeType, to: 227, steps: convClone17to20},
	{typ: 227, name: "SYSCALL_VFORK_20_X", n: 20, act: actAdd, steps: convEmpty(1)},
	{typ: 335, name: "SYSCALL_CLONE3_X", n: 20, act: actAdd, steps: convEmpty(1)},

	{typ: 16, name: "PROCEXIT_E", n: 0, act: actChangeType, to: 186, steps: convEmpty(5)},
	{typ: 146, name: "SCHEDSWITCH_1_E", n: 1, act: actChangeType, to: 152,
		steps: convSeq(convOld(0), convEmpty(5))},

	// container: the four-parameter event becomes a JSON document, which
	// then moves to the large-payload JSON event.
	{typ: 228, name: "CONTAINER_E", n: 4, act: actChangeType, to: 272, steps: convJSONStep()},
	{typ: 272, name: "CONTAINER_JSON_E", n: 1, act: actChangeType, to: 324, steps: convOld(0)},
}

// convClone16to17 inserts comm (empty) before flags.
var convClone16to17 = convSeq(convOldRange(0, 13), convEmpty(1), convOld(13, 14, 15))

// convClone17to20 inserts cgroups (empty) before flags and appends vtid
// and vpid (empty).
var convClone17to20 = convSeq(convOldRange(0, 14), convEmpty(1), convOld(14, 15, 16), convEmpty(2))
