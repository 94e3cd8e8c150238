// Package guardduty is the aws_guardduty event source: Amazon GuardDuty
// findings, one event per finding, evaluated by package docsrc.
//
// Findings come in two spellings. The GuardDuty wire protocol and the
// EventBridge events that carry findings (detail-type "GuardDuty
// Finding", the finding under "detail") use camelCase member names
// (accountId, resource.instanceDetails.instanceId); the AWS CLI and the
// SDKs print GetFindings results with the PascalCase names of the API
// model (AccountId, Resource.InstanceDetails.InstanceId). Every field is
// compiled once into both spellings of its path and reads whichever the
// finding has: documents are never rewritten or decoded whole.
//
// A batch (a line of a log, or a whole file when it is one indented JSON
// document) may be a GetFindings result ({"Findings": [...]}), an
// EventBridge event, a single finding, or a JSON array of any of them.
// The event of a finding is the finding object itself, so json.value
// pointers read the finding (in its own spelling), not the envelope.
package guardduty
