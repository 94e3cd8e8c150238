// Package cloudtrail is the aws_cloudtrail event source: AWS CloudTrail
// records, one JSON document each. It reads them in the shapes AWS and
// its tools write them: the log files CloudTrail delivers to S3 (one
// object {"Records": [...]} per file, gzip-compressed), and JSON lines
// with one record a line (CloudWatch Logs and Athena exports). It gives
// the ct.*, s3.*, ec2.*, ecr.* and iam.* fields of Falco's cloudtrail
// plugin over the record, read with gjson paths compiled once per field,
// and plugs into the generic document source of package docsrc: [Def] is
// the whole of what it adds.
//
// Values follow the plugin: a field that reads one member of the record
// gives its text when it is a JSON string and no value (<NA> in outputs)
// when it is missing or of another type; the fields that give a whole
// part of the record (ct.request, ct.response, ct.resources, ...) give
// its JSON text. The time of a record is its eventTime.
//
// Two fields are Peregrine's own: ct.region.new and ct.user.new. A
// [Learner] (one per [Def], fed by docsrc's Observe hook before the rules
// read a record) learns per account which regions have seen records and
// which principals have launched EC2 instances, in the order the records
// are read, and says whether this record's region or launcher is new to
// the account once its learning period (record time) is over.
package cloudtrail
