package cloudtrail_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/cloudtrail"
	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// extract binds one field use ("ec2.imageids[1]") of the aws_cloudtrail
// catalog and returns its values for doc as text (numbers in decimal),
// nil for no value.
func extract(t *testing.T, use, doc string) []string {
	t.Helper()
	name, arg := use, field.Arg{}
	if i := strings.IndexByte(use, '['); i >= 0 {
		name, arg.Text = use[:i], strings.TrimSuffix(use[i+1:], "]")
	}
	f, _, ok := field.Default().Lookup(field.SourceCloudTrail, name)
	if !ok {
		t.Fatalf("%s: not in the aws_cloudtrail catalog", use)
	}
	var cur docsrc.Cursor
	ex, err := docsrc.NewBinder(cloudtrail.Def(), &cur, "node-1").Bind(f, arg)
	if err != nil {
		t.Fatalf("bind %s: %v", use, err)
	}
	if vals := ex(nil); len(vals) != 0 {
		t.Errorf("%s: values %v before any document", use, vals)
	}
	cur.Set([]byte(doc), time.Date(2026, 11, 20, 10, 0, 1, 0, time.UTC))
	var out []string
	for _, v := range ex(nil) {
		switch v.Kind {
		case field.KindString:
			out = append(out, string(v.B))
		case field.KindUint:
			out = append(out, strconv.FormatUint(v.N, 10))
		default:
			out = append(out, v.Kind.String())
		}
	}
	return out
}

// Records the field table reads.
const (
	runRecord = `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice",
"accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"alice"},"eventTime":"2026-11-20T10:00:01Z","eventSource":"ec2.amazonaws.com",
"eventName":"RunInstances","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15",
"requestParameters":{"instanceType":"p3.2xlarge","availabilityZone":"eu-west-1a","subnetId":"subnet-req",
 "instancesSet":{"items":[{"imageId":"ami-req","minCount":2,"maxCount":2}]},
 "tagSpecificationSet":{"items":[{"resourceType":"volume","tags":[{"key":"Name","value":"disk"}]},{"resourceType":"instance","tags":[{"key":"Name","value":"worker"}]}]}},
"responseElements":{"reservationId":"r-1","subnetId":"subnet-resp","instancesSet":{"items":[{"instanceId":"i-1","imageId":"ami-a"},{"instanceId":"i-2","imageId":"ami-b"}]}},
"requestID":"req-1","eventID":"ev-1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333",
"eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.eu-west-1.amazonaws.com"},
"sessionCredentialFromConsole":"true","vpcEndpointId":"vpce-1","sharedEventID":"sh-1"}`
	roleRecord = `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:build-42",
"arn":"arn:aws:sts::111122223333:assumed-role/Deploy/build-42","accountId":"111122223333",
"sessionContext":{"sessionIssuer":{"type":"Role","userName":"Deploy"}}},"eventTime":"2026-11-20T10:00:02Z",
"eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"10.0.0.5",
"requestParameters":{"bucketName":"data","key":"a/b.csv","Host":"data.s3.amazonaws.com"},"responseElements":null,
"additionalEventData":{"bytesTransferredIn":0.0,"bytesTransferredOut":1234.0},"readOnly":true,"managementEvent":false,
"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::data/a/b.csv"}],"errorCode":"AccessDenied","errorMessage":"Access Denied"}`
	serviceRecord = `{"eventVersion":"1.08","userIdentity":{"type":"AWSService","invokedBy":"ec2.amazonaws.com"},
"eventTime":"2026-11-20T10:00:03Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","sourceIPAddress":"ec2.amazonaws.com"}`
	rootRecord = `{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},
"eventTime":"2026-11-20T10:00:04Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.1",
"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"}}`
	// noReadOnly has no readOnly member: the name decides.
	noReadOnly = `{"userIdentity":{"type":"AWSAccount","accountId":"444455556666"},"eventTime":"2026-11-20T10:00:05Z",
"eventSource":"custom.example.com","eventName":"DetachVolume","sourceIPAddress":"192.0.2.1"}`
	blockRecord = `{"userIdentity":{"type":"FederatedUser"},"eventTime":"2026-11-20T10:00:06Z","eventSource":"s3.amazonaws.com",
"eventName":"PutBucketPublicAccessBlock","sourceIPAddress":"192.0.2.2",
"requestParameters":{"bucketName":"b","PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"BlockPublicPolicy":false,"IgnorePublicAcls":true,"RestrictPublicBuckets":false}}}`
	// mistyped has members of the wrong JSON type.
	mistyped = `{"userIdentity":"alice","eventTime":"2026-11-20T10:00:07Z","eventSource":7,"eventName":["RunInstances"],
"requestParameters":"{\"instanceType\":\"p3.2xlarge\"}","responseElements":42,"readOnly":"yes","sourceIPAddress":null}`
	iamRecord = `{"userIdentity":{"type":"IAMUser","userName":"alice"},"eventTime":"2026-11-20T10:00:08Z","eventSource":"iam.amazonaws.com",
"eventName":"AttachRolePolicy","sourceIPAddress":"192.0.2.3","requestParameters":{"roleName":"admin","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}}`
)

// TestFields checks each field against records of each identity type.
func TestFields(t *testing.T) {
	tests := []struct {
		use, doc string
		want     []string
	}{
		{"ct.id", runRecord, []string{"ev-1"}},
		{"ct.time", runRecord, []string{"2026-11-20T10:00:01Z"}},
		{"ct.src", runRecord, []string{"ec2.amazonaws.com"}},
		{"ct.shortsrc", runRecord, []string{"ec2"}},
		{"ct.shortsrc", noReadOnly, []string{"custom.example.com"}},
		{"ct.name", runRecord, []string{"RunInstances"}},
		{"ct.region", runRecord, []string{"eu-west-1"}},
		{"ct.srcip", runRecord, []string{"203.0.113.7"}},
		{"ct.useragent", runRecord, []string{"aws-cli/2.15"}},
		{"ct.error", runRecord, nil},
		{"ct.error", roleRecord, []string{"AccessDenied"}},
		{"ct.errormessage", roleRecord, []string{"Access Denied"}},
		{"ct.requestid", runRecord, []string{"req-1"}},
		{"ct.eventtype", runRecord, []string{"AwsApiCall"}},
		{"ct.recipientaccountid", runRecord, []string{"111122223333"}},
		{"ct.eventcategory", runRecord, []string{"Management"}},
		{"ct.sharedeventid", runRecord, []string{"sh-1"}},
		{"ct.vpcendpointid", runRecord, []string{"vpce-1"}},
		{"ct.sessioncredentialfromconsole", runRecord, []string{"true"}},
		{"ct.tlsdetails.tlsversion", runRecord, []string{"TLSv1.3"}},
		{"ct.tlsdetails.ciphersuite", runRecord, []string{"TLS_AES_128_GCM_SHA256"}},
		{"ct.tlsdetails.clientprovidedhostheader", runRecord, []string{"ec2.eu-west-1.amazonaws.com"}},
		{"ct.managementevent", runRecord, []string{"true"}},
		{"ct.managementevent", roleRecord, []string{"false"}},
		{"ct.managementevent", serviceRecord, []string{"false"}},
		{"ct.readonly", runRecord, []string{"false"}},
		{"ct.readonly", roleRecord, []string{"true"}},
		{"ct.readonly", noReadOnly, []string{"false"}},
		{"ct.readonly", serviceRecord, []string{"true"}},
		{"ct.user", runRecord, []string{"alice"}},
		{"ct.user", roleRecord, []string{"Deploy"}},
		{"ct.user", serviceRecord, []string{"ec2.amazonaws.com"}},
		{"ct.user", rootRecord, nil},
		{"ct.user", noReadOnly, []string{"AWSAccount"}},
		{"ct.user", blockRecord, []string{"FederatedUser"}},
		{"ct.originaluser", roleRecord, []string{"build-42"}},
		{"ct.originaluser", runRecord, []string{"alice"}},
		{"ct.user.accountid", runRecord, []string{"111122223333"}},
		{"ct.user.accountid", serviceRecord, nil},
		{"ct.user.identitytype", roleRecord, []string{"AssumedRole"}},
		{"ct.user.principalid", roleRecord, []string{"AROAEXAMPLE:build-42"}},
		{"ct.user.arn", runRecord, []string{"arn:aws:iam::111122223333:user/alice"}},
		{"ct.request.availabilityzone", runRecord, []string{"eu-west-1a"}},
		{"ct.request.subnetid", runRecord, []string{"subnet-req"}},
		{"ct.request.host", roleRecord, []string{"data.s3.amazonaws.com"}},
		{"ct.response.subnetid", runRecord, []string{"subnet-resp"}},
		{"ct.response.reservationid", runRecord, []string{"r-1"}},
		{"ct.response", roleRecord, nil},
		{"ct.request", iamRecord, []string{`{"roleName":"admin","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}`}},
		{"ct.resources", roleRecord, []string{`[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::data/a/b.csv"}]`}},
		{"ct.additionaleventdata", rootRecord, []string{`{"MFAUsed":"No"}`}},
		{"ct.info", runRecord, []string{"alice via 203.0.113.7 → RunInstances"}},
		{"ct.info", roleRecord, []string{"Deploy via 10.0.0.5 !← GetObject Size=1234 URI=s3://data/a/b.csv"}},
		{"ct.info", serviceRecord, []string{"ec2.amazonaws.com ← AssumeRole"}},
		{"ct.info", rootRecord, []string{"<invalid cloudtrail event: userIdentity field missing>"}},
		{"ct.info", blockRecord, []string{"FederatedUser via 192.0.2.2 → PutBucketPublicAccessBlock BlockPublicAcls=true BlockPublicPolicy=false IgnorePublicAcls=true RestrictPublicBuckets=false"}},
		{"s3.bucket", roleRecord, []string{"data"}},
		{"s3.key", roleRecord, []string{"a/b.csv"}},
		{"s3.uri", roleRecord, []string{"s3://data/a/b.csv"}},
		{"s3.uri", blockRecord, nil},
		{"s3.bytes", roleRecord, []string{"1234"}},
		{"s3.bytes.in", roleRecord, []string{"0"}},
		{"s3.bytes.out", roleRecord, []string{"1234"}},
		{"s3.bytes", runRecord, nil},
		{"s3.bytes", `{"additionalEventData":{"bytesTransferredIn":"many","bytesTransferredOut":7},"eventName":"PutObject"}`, []string{"7"}},
		{"s3.bytes.in", `{"additionalEventData":{"bytesTransferredIn":"many"},"eventName":"PutObject"}`, []string{"0"}},
		{"s3.cnt.get", roleRecord, []string{"1"}},
		{"s3.cnt.put", roleRecord, []string{"0"}},
		{"s3.cnt.other", roleRecord, []string{"0"}},
		{"s3.cnt.other", runRecord, []string{"1"}},
		{"ec2.name", runRecord, []string{"worker"}},
		{"ec2.name", roleRecord, nil},
		{"ec2.imageids", runRecord, []string{"ami-a", "ami-b"}},
		{"ec2.imageids[1]", runRecord, []string{"ami-b"}},
		{"ec2.imageids[2]", runRecord, nil},
		{"ec2.imageid", runRecord, []string{"ami-a"}},
		{"iam.role", iamRecord, []string{"admin"}},
		{"iam.policy", iamRecord, []string{"arn:aws:iam::aws:policy/AdministratorAccess"}},
		// Members of the wrong type give no value rather than their JSON.
		{"ct.user", mistyped, nil},
		{"ct.src", mistyped, nil},
		{"ct.shortsrc", mistyped, nil},
		{"ct.name", mistyped, nil},
		{"ct.readonly", mistyped, []string{"false"}},
		{"ct.request", mistyped, []string{`{"instanceType":"p3.2xlarge"}`}},
		{"ct.request.availabilityzone", mistyped, nil},
		{"ct.response", mistyped, []string{"42"}},
		{"ct.info", mistyped, []string{"<invalid cloudtrail event: userIdentity field missing>"}},
		{"ec2.imageids", mistyped, nil},
	}
	for _, tt := range tests {
		doc := tt.doc
		rest := doc[strings.Index(doc, `"eventName":`):]
		name := tt.use + " of " + rest[:min(len(rest), 30)]
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, extract(t, tt.use, doc)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestEveryFieldBinds: every field the catalog declares for the source
// has an extractor here (evt.* and json.* come from docsrc).
func TestEveryFieldBinds(t *testing.T) {
	var cur docsrc.Cursor
	b := docsrc.NewBinder(cloudtrail.Def(), &cur, "")
	for _, f := range field.Default().Fields(field.SourceCloudTrail) {
		if strings.HasPrefix(f.Name, "evt.") || strings.HasPrefix(f.Name, "json.") || strings.HasPrefix(f.Name, "jevt.") {
			continue
		}
		if _, err := b.Bind(f, field.Arg{}); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
}
