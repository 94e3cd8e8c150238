package cloudtrail

import (
	"fmt"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// textPaths are the fields that give the text of one JSON string of the
// record (gjson paths); a missing member, or one that is not a string,
// gives no value, as in the plugin.
var textPaths = map[string]string{
	"ct.id":                                  "eventID",
	"ct.error":                               "errorCode",
	"ct.errormessage":                        "errorMessage",
	"ct.time":                                "eventTime",
	"ct.src":                                 "eventSource",
	"ct.name":                                "eventName",
	"ct.region":                              "awsRegion",
	"ct.srcip":                               "sourceIPAddress",
	"ct.useragent":                           "userAgent",
	"ct.requestid":                           "requestID",
	"ct.eventtype":                           "eventType",
	"ct.apiversion":                          "apiVersion",
	"ct.recipientaccountid":                  "recipientAccountId",
	"ct.sharedeventid":                       "sharedEventID",
	"ct.vpcendpointid":                       "vpcEndpointId",
	"ct.eventcategory":                       "eventCategory",
	"ct.addendum.reason":                     "addendum.reason",
	"ct.addendum.updatedfields":              "addendum.updatedFields",
	"ct.addendum.originalrequestid":          "addendum.originalRequestID",
	"ct.addendum.originaleventid":            "addendum.originalEventID",
	"ct.sessioncredentialfromconsole":        "sessionCredentialFromConsole",
	"ct.tlsdetails.tlsversion":               "tlsDetails.tlsVersion",
	"ct.tlsdetails.ciphersuite":              "tlsDetails.cipherSuite",
	"ct.tlsdetails.clientprovidedhostheader": "tlsDetails.clientProvidedHostHeader",
	"ct.user.accountid":                      "userIdentity.accountId",
	"ct.user.identitytype":                   "userIdentity.type",
	"ct.user.principalid":                    "userIdentity.principalId",
	"ct.user.arn":                            "userIdentity.arn",
	"ct.response.subnetid":                   "responseElements.subnetId",
	"ct.response.reservationid":              "responseElements.reservationId",
	"ct.request.availabilityzone":            "requestParameters.availabilityZone",
	"ct.request.cluster":                     "requestParameters.cluster",
	"ct.request.functionname":                "requestParameters.functionName",
	"ct.request.groupname":                   "requestParameters.groupName",
	"ct.request.host":                        "requestParameters.Host",
	"ct.request.name":                        "requestParameters.name",
	"ct.request.policy":                      "requestParameters.policy",
	"ct.request.reason":                      "requestParameters.reason",
	"ct.request.target":                      "requestParameters.target",
	"ct.request.documentname":                "requestParameters.documentName",
	"ct.request.serialnumber":                "requestParameters.serialNumber",
	"ct.request.servicename":                 "requestParameters.serviceName",
	"ct.request.subnetid":                    "requestParameters.subnetId",
	"ct.request.taskdefinition":              "requestParameters.taskDefinition",
	"ct.request.username":                    "requestParameters.userName",
	"s3.bucket":                              "requestParameters.bucketName",
	"s3.key":                                 "requestParameters.key",
	"ecr.repository":                         "requestParameters.repositoryName",
	"ecr.imagetag":                           "requestParameters.imageTag",
	"iam.role":                               "requestParameters.roleName",
}

// jsonPaths are the fields that give a whole part of the record as its
// JSON text (a string gives its text; null gives no value).
var jsonPaths = map[string]string{
	"ct.request":             "requestParameters",
	"ct.response":            "responseElements",
	"ct.resources":           "resources",
	"ct.serviceeventdetails": "serviceEventDetails",
	"ct.edgedevicedetails":   "edgeDeviceDetails",
	"ct.additionaleventdata": "additionalEventData",
}

// Paths the composed fields read (compiled once, read-only).
var (
	pathEventName   = docsrc.CompilePath("eventName")
	pathEventSource = docsrc.CompilePath("eventSource")
	pathErrorCode   = docsrc.CompilePath("errorCode")
	pathSourceIP    = docsrc.CompilePath("sourceIPAddress")
	pathReadOnly    = docsrc.CompilePath("readOnly")
	pathManagement  = docsrc.CompilePath("managementEvent")
	pathIdentity    = docsrc.CompilePath("userIdentity")
	pathBucket      = docsrc.CompilePath("requestParameters.bucketName")
	pathKey         = docsrc.CompilePath("requestParameters.key")
	pathHost        = docsrc.CompilePath("requestParameters.Host")
	pathPolicyName  = docsrc.CompilePath("requestParameters.policyName")
	pathPolicyArn   = docsrc.CompilePath("requestParameters.policyArn")
	pathBytesIn     = docsrc.CompilePath("additionalEventData.bytesTransferredIn")
	pathBytesOut    = docsrc.CompilePath("additionalEventData.bytesTransferredOut")
	pathTagSpecs    = docsrc.CompilePath("requestParameters.tagSpecificationSet.items")
	pathRespItems   = docsrc.CompilePath("responseElements.instancesSet.items")
	pathReqItems    = docsrc.CompilePath("requestParameters.instancesSet.items")
	pathAccessBlock = docsrc.CompilePath("requestParameters.PublicAccessBlockConfiguration")
)

// bind makes the extractor of one field use of the source.
func bind(c *docsrc.Cursor, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if p, ok := textPaths[f.Name]; ok {
		return text(c, docsrc.CompilePath(p)), nil
	}
	if p, ok := jsonPaths[f.Name]; ok {
		return whole(c, docsrc.CompilePath(p)), nil
	}
	switch f.Name {
	case "ct.shortsrc":
		return shortSource(c), nil
	case "ct.user":
		return composed(c, appendUser), nil
	case "ct.originaluser":
		return composed(c, appendOriginalUser), nil
	case "ct.info":
		return composed(c, appendInfo), nil
	case "ct.readonly":
		return composed(c, appendReadOnly), nil
	case "ct.managementevent":
		return composed(c, func(dst []byte, c *docsrc.Cursor) ([]byte, bool) {
			return boolText(dst, c.Lookup(pathManagement).Type == gjson.True), true
		}), nil
	case "s3.uri":
		return composed(c, appendS3URI), nil
	case "s3.bytes", "s3.bytes.in", "s3.bytes.out":
		return s3Bytes(c, f.Name != "s3.bytes.out", f.Name != "s3.bytes.in"), nil
	case "s3.cnt.get", "s3.cnt.put", "s3.cnt.other":
		return s3Count(c, f.Name), nil
	case "ec2.name":
		return composed(c, appendInstanceName), nil
	case "ec2.imageid":
		return imageIDs(c, 0), nil
	case "ec2.imageids":
		idx, err := docsrc.IndexArg(f, arg)
		if err != nil {
			return nil, err
		}
		return imageIDs(c, idx), nil
	case "iam.policy":
		return iamPolicy(c), nil
	}
	return nil, fmt.Errorf("%s: no value in %s events", f.Name, field.SourceCloudTrail)
}

// text gives the text of the JSON string at p; nothing for any other
// value.
func text(c *docsrc.Cursor, p docsrc.Path) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		if r := c.Lookup(p); r.Type == gjson.String {
			return append(dst, docsrc.Value(r))
		}
		return dst
	}
}

// whole gives the JSON text of the value at p (a string's text).
func whole(c *docsrc.Cursor, p docsrc.Path) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		if r := c.Lookup(p); r.Exists() && r.Type != gjson.Null {
			return append(dst, docsrc.Value(r))
		}
		return dst
	}
}

// composed gives the text fn writes into a buffer the extractor keeps
// (no allocation once it has grown); fn says whether there is a value.
func composed(c *docsrc.Cursor, fn func(dst []byte, c *docsrc.Cursor) ([]byte, bool)) field.Extractor {
	var buf []byte
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		var ok bool
		buf, ok = fn(buf[:0], c)
		if !ok {
			return dst
		}
		return append(dst, field.String(buf))
	}
}

// shortSource gives eventSource without its .amazonaws.com suffix.
func shortSource(c *docsrc.Cursor) field.Extractor {
	const suffix = ".amazonaws.com"
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		r := c.Lookup(pathEventSource)
		if r.Type != gjson.String {
			return dst
		}
		s := r.Str
		if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
			s = s[:len(s)-len(suffix)]
		}
		return append(dst, docsrc.Str(s))
	}
}

// boolText appends "true" or "false".
func boolText(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// iamPolicy gives the policy a request names: its name, else its ARN.
func iamPolicy(c *docsrc.Cursor) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		for _, p := range [...]docsrc.Path{pathPolicyName, pathPolicyArn} {
			if r := c.Lookup(p); r.Type == gjson.String {
				return append(dst, docsrc.Value(r))
			}
		}
		return dst
	}
}
