package field

import "peregrine/internal/event"

// cloudTrailFields are the fields of the cloudtrail plugin, the
// aws_cloudtrail source: one event per AWS CloudTrail record. Most are text
// taken from the record's JSON; the S3 sizes and counters are numbers.
var cloudTrailFields = []Field{
	// The record.
	{Name: "ct.id", Type: event.PTCharbuf, Desc: "Unique id of the record (its eventID)."},
	{Name: "ct.error", Type: event.PTCharbuf, Desc: "Error code of the call; no value when the call succeeded."},
	{Name: "ct.errormessage", Type: event.PTCharbuf, Desc: "Error message of the call; no value when the call succeeded."},
	{Name: "ct.time", Type: event.PTCharbuf, Desc: "Time of the call as the record gives it (eventTime)."},
	{Name: "ct.src", Type: event.PTCharbuf, Desc: "AWS service that received the call (eventSource), such as s3.amazonaws.com."},
	{Name: "ct.shortsrc", Type: event.PTCharbuf, Desc: "AWS service that received the call without the .amazonaws.com suffix, such as s3."},
	{Name: "ct.name", Type: event.PTCharbuf, Desc: "API action that was called (eventName), such as CreateUser."},
	{Name: "ct.region", Type: event.PTCharbuf, Desc: "AWS region of the call (awsRegion)."},
	{Name: "ct.srcip", Type: event.PTCharbuf, Desc: "Address the call came from (sourceIPAddress); for calls made by AWS services, the service name."},
	{Name: "ct.useragent", Type: event.PTCharbuf, Desc: "User agent of the caller, such as the AWS CLI or console."},
	{Name: "ct.info", Type: event.PTCharbuf, Desc: "One-line summary of the record; what it holds depends on the kind of call."},
	{Name: "ct.managementevent", Type: event.PTCharbuf, Desc: "true for a management (control plane) event, false for a data event."},
	{Name: "ct.readonly", Type: event.PTCharbuf, Desc: "true when the call only reads (Describe..., List...), false when it changes something."},
	{Name: "ct.requestid", Type: event.PTCharbuf, Desc: "Id the service gave the request."},
	{Name: "ct.eventtype", Type: event.PTCharbuf, Desc: "Kind of record, such as AwsApiCall, AwsConsoleSignIn or AwsServiceEvent."},
	{Name: "ct.apiversion", Type: event.PTCharbuf, Desc: "API version of an AwsApiCall record."},
	{Name: "ct.resources", Type: event.PTCharbuf, Desc: "Resources the call touched, as the record lists them."},
	{Name: "ct.recipientaccountid", Type: event.PTCharbuf, Desc: "Account that received the record."},
	{Name: "ct.serviceeventdetails", Type: event.PTCharbuf, Desc: "For a service event, what set it off and how it ended."},
	{Name: "ct.sharedeventid", Type: event.PTCharbuf, Desc: "Id CloudTrail gives the copies of one event delivered to several accounts."},
	{Name: "ct.vpcendpointid", Type: event.PTCharbuf, Desc: "VPC endpoint the call went through, if any."},
	{Name: "ct.eventcategory", Type: event.PTCharbuf, Desc: "Event category as LookupEvents filters on it, such as Management or Data."},
	{Name: "ct.addendum.reason", Type: event.PTCharbuf, Desc: "Why an addendum record was written: what was late or missing in the original."},
	{Name: "ct.addendum.updatedfields", Type: event.PTCharbuf, Desc: "Which fields of the original record the addendum changes."},
	{Name: "ct.addendum.originalrequestid", Type: event.PTCharbuf, Desc: "Request id of the record the addendum completes."},
	{Name: "ct.addendum.originaleventid", Type: event.PTCharbuf, Desc: "Event id of the record the addendum completes."},
	{Name: "ct.sessioncredentialfromconsole", Type: event.PTCharbuf, Desc: "Whether the call was made with credentials of an AWS console session."},
	{Name: "ct.edgedevicedetails", Type: event.PTCharbuf, Desc: "Edge devices (such as Snowball) the request targets."},
	{Name: "ct.tlsdetails.tlsversion", Type: event.PTCharbuf, Desc: "TLS version the caller connected with."},
	{Name: "ct.tlsdetails.ciphersuite", Type: event.PTCharbuf, Desc: "TLS cipher suite the caller connected with."},
	{Name: "ct.tlsdetails.clientprovidedhostheader", Type: event.PTCharbuf, Desc: "Host name the client asked for in the call."},
	{Name: "ct.additionaleventdata", Type: event.PTCharbuf, Desc: "The record's additionalEventData object, as JSON text."},

	// Who made the call.
	{Name: "ct.user", Type: event.PTCharbuf, Desc: "User who made the call; for an assumed role, the name of the role."},
	{Name: "ct.originaluser", Type: event.PTCharbuf, Desc: "User as CloudTrail names it; for an assumed role, the session name taken from the ARN or principal id."},
	{Name: "ct.user.accountid", Type: event.PTCharbuf, Desc: "Account id of the caller."},
	{Name: "ct.user.identitytype", Type: event.PTCharbuf, Desc: "Kind of identity that called: Root, IAMUser, AssumedRole, AWSService and so on."},
	{Name: "ct.user.principalid", Type: event.PTCharbuf, Desc: "Unique principal id of the caller."},
	{Name: "ct.user.arn", Type: event.PTCharbuf, Desc: "ARN of the caller."},

	// Peregrine's own: what the source learned from the records before.
	{Name: "ct.region.new", Type: event.PTCharbuf, Desc: "Peregrine's own (not the plugin's): true when the account (recipientAccountId) had no record in this region before, first seen after the account's learning period (7 days of record time from its first record by default) and less than one learning period ago; false while learning or for a region used before; learned from every record in the order read."},
	{Name: "ct.user.new", Type: event.PTCharbuf, Desc: "Peregrine's own (not the plugin's): for an EC2 launch (RunInstances, RequestSpotInstances, RequestSpotFleet, CreateFleet), true when the caller (ct.user.arn, else its principal id) had not launched in this account before, first seen after the account's learning period and less than one learning period ago; false while learning or for a known launcher; no value for other calls."},

	// The request and the response.
	{Name: "ct.request", Type: event.PTCharbuf, Desc: "All request parameters of the call, as JSON text."},
	{Name: "ct.request.availabilityzone", Type: event.PTCharbuf, Desc: "Availability zone named in the request."},
	{Name: "ct.request.cluster", Type: event.PTCharbuf, Desc: "Cluster named in the request."},
	{Name: "ct.request.functionname", Type: event.PTCharbuf, Desc: "Lambda function named in the request."},
	{Name: "ct.request.groupname", Type: event.PTCharbuf, Desc: "Group named in the request."},
	{Name: "ct.request.host", Type: event.PTCharbuf, Desc: "Host named in the request."},
	{Name: "ct.request.name", Type: event.PTCharbuf, Desc: "Name of the thing the request acts on."},
	{Name: "ct.request.policy", Type: event.PTCharbuf, Desc: "Policy document carried by the request."},
	{Name: "ct.request.reason", Type: event.PTCharbuf, Desc: "Reason given in the request."},
	{Name: "ct.request.target", Type: event.PTCharbuf, Desc: "Target named in the request."},
	{Name: "ct.request.documentname", Type: event.PTCharbuf, Desc: "Document (such as an SSM document) named in the request."},
	{Name: "ct.request.serialnumber", Type: event.PTCharbuf, Desc: "Serial number (such as of an MFA device) given in the request."},
	{Name: "ct.request.servicename", Type: event.PTCharbuf, Desc: "Service named in the request."},
	{Name: "ct.request.subnetid", Type: event.PTCharbuf, Desc: "Subnet id given in the request."},
	{Name: "ct.request.taskdefinition", Type: event.PTCharbuf, Desc: "ECS task definition given in the request."},
	{Name: "ct.request.username", Type: event.PTCharbuf, Desc: "User name given in the request."},
	{Name: "ct.response", Type: event.PTCharbuf, Desc: "All response elements of the call, as JSON text."},
	{Name: "ct.response.subnetid", Type: event.PTCharbuf, Desc: "Subnet id returned in the response."},
	{Name: "ct.response.reservationid", Type: event.PTCharbuf, Desc: "EC2 reservation id returned in the response."},

	// S3, EC2, ECR and IAM specifics.
	{Name: "s3.uri", Type: event.PTCharbuf, Desc: "Object the S3 call is about, as s3://bucket/key."},
	{Name: "s3.bucket", Type: event.PTCharbuf, Desc: "Bucket of an S3 call."},
	{Name: "s3.key", Type: event.PTCharbuf, Desc: "Object key of an S3 call."},
	{Name: "s3.bytes", Type: event.PTUint64, Desc: "Bytes moved by an S3 upload or download."},
	{Name: "s3.bytes.in", Type: event.PTUint64, Desc: "Bytes sent to S3 by an upload."},
	{Name: "s3.bytes.out", Type: event.PTUint64, Desc: "Bytes read from S3 by a download."},
	{Name: "s3.cnt.get", Type: event.PTUint64, Desc: "1 for a GetObject call, else 0; summing it counts downloads."},
	{Name: "s3.cnt.put", Type: event.PTUint64, Desc: "1 for a PutObject call, else 0; summing it counts uploads."},
	{Name: "s3.cnt.other", Type: event.PTUint64, Desc: "1 for any S3 call other than GetObject and PutObject, else 0."},
	{Name: "ec2.name", Type: event.PTCharbuf, Desc: "Name of the EC2 instances involved, usually from their Name tag."},
	{Name: "ec2.imageid", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Image id of the EC2 instance in the response; ec2.imageids[0] replaces it."},
	{Name: "ec2.imageids", Type: event.PTCharbuf, List: true, Arg: ArgOptional, Desc: "Image ids of the EC2 instances involved, as a list; ec2.imageids[N] picks one."},
	{Name: "ecr.repository", Type: event.PTCharbuf, Desc: "ECR repository named in the request."},
	{Name: "ecr.imagetag", Type: event.PTCharbuf, Desc: "Image tag named in an ECR request."},
	{Name: "iam.role", Type: event.PTCharbuf, Desc: "IAM role named in the request."},
	{Name: "iam.policy", Type: event.PTCharbuf, Desc: "IAM policy named in the request."},
}
