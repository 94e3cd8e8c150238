// Package docsrc evaluates rules over event sources whose events are JSON
// documents, one document per event: Kubernetes audit events (k8s_audit),
// AWS CloudTrail records (aws_cloudtrail), GuardDuty findings
// (aws_guardduty) and the compute sampler's events (compute). It is the one
// mechanism those sources share; each of them only says, in a [Def], how
// its own fields read a document and how a batch (a request body, a line
// of a log file) splits into documents.
//
// The pieces, from the document inwards:
//
//   - [Cursor] is the document being evaluated, with its number and time.
//   - [Binder] is the field.Binder the rules compile against: the generic
//     evt.* fields and the json plugin's json.* and jevt.* fields are
//     answered here, every other field by the source's Def.Bind.
//   - [Evaluator] compiles the rules of one source and tests each
//     document against them, raising alerts of the same shape as system
//     call alerts.
//   - [Queue] hands batches from HTTP handlers to the one goroutine that
//     evaluates, bounded: a full or closed queue refuses, it never blocks.
//   - [Webhook] is an http.Handler that receives batches (bearer token,
//     size limit, JSON check) and offers them to a Queue.
//   - [ReadLines] reads a log file of JSON lines, batch by batch;
//     [Evaluator.ReadFile] evaluates one.
//
// The sources share small pieces from here too: [Text] and [Bytes] (the
// document as gjson reads it and back, without copies), [Elements] (the
// records of an array), [Member] and [IndexArg] (for their field
// binding), and [Implemented] (which fields a source gives values for).
//
// Field values alias the document's bytes: they are valid until the
// evaluation moves to the next document, as for system call events.
package docsrc
