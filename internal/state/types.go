package state

import "peregrine/internal/event"

// Types returns the event types the state engine applies (see apply in
// update.go, and the container and user events): a live capture must
// deliver them whatever the rules need, or the state goes stale. Keep it
// in step with apply. The memory figures (brk, mmap, munmap, sched switch)
// are left out: they only refresh proc.vm* and cost much on a live host.
func Types() []event.Type {
	return []event.Type{
		evExecve, evExecveat, evProcExit, evClone, evFork, evVfork, evClone3,
		evChdir, evFchdir,
		evSetuid, evSetgid, evSetresuid, evSetresgid, evSetreuid, evSetregid,
		evPrctl, evCapset, evSetsid, evSetpgid,
		evGetrlimit, evSetrlimit, evPrlimit,
		evOpen, evCreat, evOpenat, evOpenat2, evOpenByHandleAt, evClose,
		evDup, evDup2, evDup3, evFcntl, evPipe, evPipe2,
		evEventfd, evEventfd2, evSignalfd, evSignalfd4, evTimerfdCreate, evInotifyInit,
		evInotifyInit1, evEpollCreate, evEpollCreate1, evUserfaultfd, evIOUringSetup, evBPF,
		evMemfdCreate, evPidfdOpen, evPidfdGetfd,
		evSocket, evSocketpair, evBind, evConnect, evAccept, evAccept4,
		evSendto, evSendmsg, evRecvfrom, evRecvmsg,
		evContainerJSON2,
		evUserAdded, evUserDeleted, evGroupAdded, evGroupDeleted,
	}
}
