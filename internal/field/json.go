package field

import "peregrine/internal/event"

// jsonFields are the fields of the json plugin, which reads any event whose
// payload is a JSON document: Falco rules for the k8s_audit and
// aws_cloudtrail sources use them (json.value[/requestParameters/...],
// jevt.value[/stage]). The jevt.* names are the older spelling the plugin
// still answers to. They are not in falco_fields.tsv, which lists the
// fields of the source plugins only.
var jsonFields = []Field{
	{Name: "json.value", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Value found at a JSON pointer (RFC 6901) in the event document: json.value[/user/name]; objects and arrays come back as JSON text."},
	{Name: "json.obj", Type: event.PTCharbuf, Desc: "Whole event document as indented JSON text."},
	{Name: "json.rawtime", Type: event.PTCharbuf, Desc: "Event time in nanoseconds since the epoch, as decimal text."},
	{Name: "jevt.value", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Older name for json.value: the value at a JSON pointer in the event document."},
	{Name: "jevt.obj", Type: event.PTCharbuf, Desc: "Older name for json.obj: the whole event document as JSON text."},
	{Name: "jevt.rawtime", Type: event.PTCharbuf, Desc: "Older name for json.rawtime: the event time in nanoseconds as text."},
}
