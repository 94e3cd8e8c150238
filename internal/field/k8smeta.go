package field

import "peregrine/internal/event"

// k8sMetaFields are the fields of the k8smeta plugin, which learns pod,
// namespace, deployment, service, replica set and replication controller
// metadata from the Kubernetes API (through its collector) and attaches it
// to syscall events. Labels are named in brackets only.
var k8sMetaFields = []Field{
	{Name: "k8smeta.pod.name", Type: event.PTCharbuf, Desc: "Name of the pod the thread's container runs in, from the Kubernetes API."},
	{Name: "k8smeta.pod.uid", Type: event.PTCharbuf, Desc: "UID of the pod, from the Kubernetes API."},
	{Name: "k8smeta.pod.label", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Value of one pod label: k8smeta.pod.label[app]."},
	{Name: "k8smeta.pod.labels", Type: event.PTCharbuf, List: true, Desc: "Labels of the pod as a list of key:value items."},
	{Name: "k8smeta.pod.ip", Type: event.PTCharbuf, Desc: "IP address of the pod, from the Kubernetes API."},
	{Name: "k8smeta.ns.name", Type: event.PTCharbuf, Desc: "Namespace of the pod."},
	{Name: "k8smeta.ns.uid", Type: event.PTCharbuf, Desc: "UID of the pod's namespace."},
	{Name: "k8smeta.ns.label", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Value of one label of the pod's namespace: k8smeta.ns.label[team]."},
	{Name: "k8smeta.ns.labels", Type: event.PTCharbuf, List: true, Desc: "Labels of the pod's namespace as a list of key:value items."},
	{Name: "k8smeta.deployment.name", Type: event.PTCharbuf, Desc: "Name of the deployment that owns the pod."},
	{Name: "k8smeta.deployment.uid", Type: event.PTCharbuf, Desc: "UID of the deployment that owns the pod."},
	{Name: "k8smeta.deployment.label", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Value of one label of the owning deployment."},
	{Name: "k8smeta.deployment.labels", Type: event.PTCharbuf, List: true, Desc: "Labels of the owning deployment as a list of key:value items."},
	{Name: "k8smeta.svc.name", Type: event.PTCharbuf, List: true, Desc: "Names of every service that selects the pod, as a list."},
	{Name: "k8smeta.svc.uid", Type: event.PTCharbuf, List: true, Desc: "UIDs of every service that selects the pod, as a list."},
	{Name: "k8smeta.svc.label", Type: event.PTCharbuf, List: true, Arg: ArgRequired, Desc: "Values of one label across the services that select the pod, as a list."},
	{Name: "k8smeta.svc.labels", Type: event.PTCharbuf, List: true, Desc: "Labels of every service that selects the pod, as a list of key:value items."},
	{Name: "k8smeta.rs.name", Type: event.PTCharbuf, Desc: "Name of the replica set that owns the pod."},
	{Name: "k8smeta.rs.uid", Type: event.PTCharbuf, Desc: "UID of the replica set that owns the pod."},
	{Name: "k8smeta.rs.label", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Value of one label of the owning replica set."},
	{Name: "k8smeta.rs.labels", Type: event.PTCharbuf, List: true, Desc: "Labels of the owning replica set as a list of key:value items."},
	{Name: "k8smeta.rc.name", Type: event.PTCharbuf, Desc: "Name of the replication controller that owns the pod."},
	{Name: "k8smeta.rc.uid", Type: event.PTCharbuf, Desc: "UID of the replication controller that owns the pod."},
	{Name: "k8smeta.rc.label", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Value of one label of the owning replication controller."},
	{Name: "k8smeta.rc.labels", Type: event.PTCharbuf, List: true, Desc: "Labels of the owning replication controller as a list of key:value items."},
}
