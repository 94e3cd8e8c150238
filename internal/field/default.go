package field

import "fmt"

// table is a group of built-in fields that share a source and a class.
// The tables below are read-only; Default copies them into each catalog,
// so a caller that changes a *Field of one catalog changes nothing else.
type table struct {
	source string
	class  string
	fields []Field // Source and Class are left empty here and filled in by Default
}

// Classes of the built-in fields, as `peregrine fields` groups them. The
// syscall ones follow the classes Falco lists; plugin fields are grouped
// under the name of the Falco plugin that defines them.
const (
	ClassEvt        = "evt"
	ClassEvtSyscall = "evt (for system calls)"
	ClassProcess    = "process"
	ClassUser       = "user"
	ClassGroup      = "group"
	ClassFD         = "fd"
	ClassFSPath     = "fs.path"
	ClassFDList     = "fdlist"
	ClassContainer  = "container"
	ClassK8sMeta    = "k8smeta"
	ClassK8sAudit   = "k8saudit"
	ClassJSON       = "json"
	ClassCloudTrail = "cloudtrail"
)

// builtin lists every table of built-in fields. The generic event fields
// (evt.num, evt.time ...) apply to every source, as libsinsp's generic
// event class does; the json plugin's fields apply to every source whose
// events are JSON documents.
var builtin = []table{
	{SourceSyscall, ClassEvt, evtFields},
	{SourceSyscall, ClassEvtSyscall, evtSyscallFields},
	{SourceSyscall, ClassProcess, procFields},
	{SourceSyscall, ClassProcess, threadFields},
	{SourceSyscall, ClassUser, userFields},
	{SourceSyscall, ClassGroup, groupFields},
	{SourceSyscall, ClassFD, fdFields},
	{SourceSyscall, ClassFSPath, fsPathFields},
	{SourceSyscall, ClassFDList, fdListFields},
	{SourceSyscall, ClassContainer, containerFields},
	{SourceSyscall, ClassContainer, k8sContainerFields},
	{SourceSyscall, ClassK8sMeta, k8sMetaFields},
	{SourceK8sAudit, ClassEvt, evtFields},
	{SourceK8sAudit, ClassK8sAudit, k8sAuditFields},
	{SourceK8sAudit, ClassJSON, jsonFields},
	{SourceCloudTrail, ClassEvt, evtFields},
	{SourceCloudTrail, ClassCloudTrail, cloudTrailFields},
	{SourceCloudTrail, ClassJSON, jsonFields},
	{SourceCompute, ClassEvt, evtFields},
	{SourceCompute, ClassCompute, computeFields},
	{SourceCompute, ClassJSON, jsonFields},
	{SourceGuardDuty, ClassEvt, evtFields},
	{SourceGuardDuty, ClassGuardDuty, guardDutyFields},
	{SourceGuardDuty, ClassJSON, jsonFields},
}

// Default returns a new catalog of every built-in field: the syscall
// source (libsinsp's event, process, user, group, fd, fs.path and fdlist
// fields, and the fields of the container and k8smeta plugins), the
// k8s_audit source (the k8saudit plugin) and the aws_cloudtrail source
// (the cloudtrail plugin), the last two with the json plugin's fields.
//
// Each call builds a fresh catalog from the read-only tables; it costs a
// copy of about five hundred fields and one map.
func Default() *Catalog {
	n := 0
	for _, t := range builtin {
		n += len(t.fields)
	}
	all := make([]Field, 0, n)
	for _, t := range builtin {
		for _, f := range t.fields {
			f.Source, f.Class = t.source, t.class
			all = append(all, f)
		}
	}
	c, err := NewCatalog(all)
	if err != nil {
		// The tables are fixed at build time and their test rejects
		// duplicates, so this is a programming error.
		panic(fmt.Sprintf("field: built-in tables: %v", err))
	}
	return c
}
