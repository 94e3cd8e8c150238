package guardduty

import (
	"fmt"
	"math"
	"net/netip"
	"strings"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// textPaths are the fields that give the text at one place of a finding
// (camelCase; the PascalCase twin is derived). Objects and arrays come
// back as their JSON text.
var textPaths = map[string]string{
	"guardduty.id":                    "id",
	"guardduty.arn":                   "arn",
	"guardduty.type":                  "type",
	"guardduty.title":                 "title",
	"guardduty.description":           "description",
	"guardduty.account":               "accountId",
	"guardduty.region":                "region",
	"guardduty.created_at":            "createdAt",
	"guardduty.updated_at":            "updatedAt",
	"guardduty.feature":               "service.featureName",
	"guardduty.detector":              "service.detectorId",
	"guardduty.resource.type":         "resource.resourceType",
	"guardduty.resource.role":         "service.resourceRole",
	"guardduty.instance.id":           "resource.instanceDetails.instanceId",
	"guardduty.instance.type":         "resource.instanceDetails.instanceType",
	"guardduty.instance.image_id":     "resource.instanceDetails.imageId",
	"guardduty.accesskey.id":          "resource.accessKeyDetails.accessKeyId",
	"guardduty.accesskey.user":        "resource.accessKeyDetails.userName",
	"guardduty.accesskey.user_type":   "resource.accessKeyDetails.userType",
	"guardduty.eks.cluster":           "resource.eksClusterDetails.name",
	"guardduty.ecs.cluster":           "resource.ecsClusterDetails.name",
	"guardduty.ecs.task":              "resource.ecsClusterDetails.taskDetails.arn",
	"guardduty.lambda.function":       "resource.lambdaDetails.functionName",
	"guardduty.k8s.namespace":         "resource.kubernetesDetails.kubernetesWorkloadDetails.namespace",
	"guardduty.k8s.workload":          "resource.kubernetesDetails.kubernetesWorkloadDetails.name",
	"guardduty.k8s.workload_type":     "resource.kubernetesDetails.kubernetesWorkloadDetails.type",
	"guardduty.action.type":           "service.action.actionType",
	"guardduty.dns.domain":            "service.action.dnsRequestAction.domain",
	"guardduty.network.direction":     "service.action.networkConnectionAction.connectionDirection",
	"guardduty.api.name":              "service.action.awsApiCallAction.api",
	"guardduty.api.service":           "service.action.awsApiCallAction.serviceName",
	"guardduty.api.caller":            "service.action.awsApiCallAction.callerType",
	"guardduty.process.name":          "service.runtimeDetails.process.name",
	"guardduty.process.path":          "service.runtimeDetails.process.executablePath",
	"guardduty.process.sha256":        "service.runtimeDetails.process.executableSha256",
	"guardduty.process.cwd":           "service.runtimeDetails.process.pwd",
	"guardduty.process.user":          "service.runtimeDetails.process.user",
	"guardduty.runtime.context":       "service.runtimeDetails.context",
	"guardduty.sequence.description":  "service.detection.sequence.description",
	"guardduty.network.remote_port":   "service.action.networkConnectionAction.remotePortDetails.port",
	"guardduty.count":                 "service.count",
	"guardduty.archived":              "service.archived",
	"guardduty.severity":              "severity",
	"guardduty.process.pid":           "service.runtimeDetails.process.pid",
	"guardduty.process.namespace_pid": "service.runtimeDetails.process.namespacePid",
	"guardduty.process.euid":          "service.runtimeDetails.process.euid",
}

// listPaths are the list fields that give one value of each element of
// an array: the array's path, then the value's path within an element.
var listPaths = map[string][2]string{
	"guardduty.instance.public_ip": {"resource.instanceDetails.networkInterfaces", "publicIp"},
	"guardduty.process.lineage":    {"service.runtimeDetails.process.lineage", "executablePath"},
	"guardduty.threat.lists":       {"service.evidence.threatIntelligenceDetails", "threatListName"},
	"guardduty.sequence.signals":   {"service.detection.sequence.signals", "name"},
}

// Compiled paths the special extractors share (read-only).
var (
	pathType         = compile("type")
	pathSeverity     = compile("severity")
	pathTags         = compile("resource.instanceDetails.tags")
	pathThreats      = compile("service.evidence.threatIntelligenceDetails")
	pathContainer    = compile("resource.containerDetails")
	pathK8sWorkload  = compile("resource.kubernetesDetails.kubernetesWorkloadDetails")
	pathK8sContainer = compile("resource.kubernetesDetails.kubernetesWorkloadDetails.containers")
	pathECSContainer = compile("resource.ecsClusterDetails.taskDetails.containers")
	pathConnection   = compile("service.action.networkConnectionAction")
	pathAPICall      = compile("service.action.awsApiCallAction")
	pathK8sAPICall   = compile("service.action.kubernetesApiCallAction")
	pathRDSLogin     = compile("service.action.rdsLoginAttemptAction")
	pathProbe        = compile("service.action.portProbeAction.portProbeDetails.0")
	pathDNSProtocol  = compile("service.action.dnsRequestAction.protocol")
	pathAdditional   = compile("service.additionalInfo")

	keyTagKey      = newKey("key")
	keyTagValue    = newKey("value")
	keyThreatNames = newKey("threatNames")
	keyRemoteIP    = newKey("remoteIpDetails")
	keyIPv4        = newKey("ipAddressV4")
	keyIPv6        = newKey("ipAddressV6")
	keyCountry     = newKey("country.countryName")
	keyASNOrg      = newKey("organization.asnOrg")
	keyOrg         = newKey("organization.org")
	keyLocalPort   = newKey("localPortDetails.port")
	keyProtocol    = newKey("protocol")
	keyName        = newKey("name")
	keyImage       = newKey("image")
	keyContainerID = newKey("id")
	keyWorkType    = newKey("type")
	keySample      = newKey("sample")
)

// bind makes the extractor of one guardduty.* field use.
func bind(c *docsrc.Cursor, f *field.Field, _ field.Arg) (field.Extractor, error) {
	if p, ok := textPaths[f.Name]; ok {
		return scalar(c, compile(p), f.Kind()), nil
	}
	if p, ok := listPaths[f.Name]; ok {
		return list(c, compile(p[0]), newKey(p[1])), nil
	}
	switch f.Name {
	case "guardduty.type.threat_purpose":
		return typePart(c, func(t string) string { s, _, _ := strings.Cut(t, ":"); return s }), nil
	case "guardduty.type.resource_type":
		return typePart(c, resourceType), nil
	case "guardduty.type.family":
		return typePart(c, func(t string) string { _, s, _ := strings.Cut(t, "/"); return s }), nil
	case "guardduty.severity.label":
		return severityLabel(c), nil
	case "guardduty.instance.tags":
		return tags(c), nil
	case "guardduty.threat.names":
		return threatNames(c), nil
	case "guardduty.container.id":
		return containers(c, keyContainerID, pathContainer, pathECSContainer), nil
	case "guardduty.container.name":
		return containers(c, keyName, pathContainer, pathK8sContainer, pathECSContainer), nil
	case "guardduty.container.image":
		return containers(c, keyImage, pathContainer, pathK8sContainer, pathECSContainer), nil
	case "guardduty.k8s.pod":
		return pod(c), nil
	case "guardduty.network.remote_ip":
		return remoteIP(c), nil
	case "guardduty.network.remote_country":
		return remoteText(c, keyCountry, keyCountry), nil
	case "guardduty.network.remote_org":
		return remoteText(c, keyASNOrg, keyOrg), nil
	case "guardduty.network.local_port":
		return localPort(c), nil
	case "guardduty.network.protocol":
		return protocol(c), nil
	case "guardduty.sample":
		return sample(c), nil
	}
	return nil, fmt.Errorf("%s: no value in %s events", f.Name, f.Source)
}

// value converts a JSON value to a value of kind k: text as it is for
// strings (JSON text for the rest); numbers and booleans only from JSON
// numbers and booleans. ok is false when the JSON value does not fit.
func value(r gjson.Result, k field.Kind) (field.Value, bool) {
	switch k {
	case field.KindString:
		return docsrc.Value(r), true
	case field.KindFloat:
		if r.Type == gjson.Number {
			return field.Value{Kind: field.KindFloat, N: math.Float64bits(r.Num)}, true
		}
	case field.KindUint:
		if r.Type == gjson.Number && r.Num >= 0 {
			return field.Uint(r.Uint()), true
		}
	case field.KindInt:
		if r.Type == gjson.Number {
			return field.Int(r.Int()), true
		}
	case field.KindBool:
		if r.Type == gjson.True || r.Type == gjson.False {
			return field.Bool(r.Type == gjson.True), true
		}
	}
	return field.Value{}, false
}

// scalar gives the value at one path, as a value of kind k.
func scalar(c *docsrc.Cursor, p path, k field.Kind) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		r := p.get(c)
		if !r.Exists() || r.Type == gjson.Null {
			return dst
		}
		if v, ok := value(r, k); ok {
			dst = append(dst, v)
		}
		return dst
	}
}

// list gives the text at k of each element of the array at p.
func list(c *docsrc.Cursor, p path, k key) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		p.get(c).ForEach(func(_, el gjson.Result) bool {
			if v := k.in(el); v.Exists() && v.Type != gjson.Null {
				dst = append(dst, docsrc.Value(v))
			}
			return true
		})
		return dst
	}
}

// typePart gives the part of the finding type that part cuts from it.
func typePart(c *docsrc.Cursor, part func(string) string) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		t := pathType.get(c)
		if t.Type != gjson.String {
			return dst
		}
		if s := part(t.Str); s != "" {
			dst = append(dst, docsrc.Str(s))
		}
		return dst
	}
}

// resourceType returns the part of a finding type between the colon and
// the slash: EC2 of CryptoCurrency:EC2/BitcoinTool.B.
func resourceType(t string) string {
	_, rest, ok := strings.Cut(t, ":")
	if !ok {
		return ""
	}
	s, _, _ := strings.Cut(rest, "/")
	return s
}

// Severity bands, as GuardDuty names them.
var (
	labelLow      = docsrc.Str("Low")
	labelMedium   = docsrc.Str("Medium")
	labelHigh     = docsrc.Str("High")
	labelCritical = docsrc.Str("Critical")
)

// severityLabel gives the band of the finding's severity.
func severityLabel(c *docsrc.Cursor) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		s := pathSeverity.get(c)
		if s.Type != gjson.Number {
			return dst
		}
		return append(dst, Band(s.Num))
	}
}

// Band returns the severity band of a GuardDuty severity: Low below 4,
// Medium below 7, High below 9, Critical from 9 up.
func Band(sev float64) field.Value {
	switch {
	case sev < 4:
		return labelLow
	case sev < 7:
		return labelMedium
	case sev < 9:
		return labelHigh
	}
	return labelCritical
}

// remoteIPDetails returns the remoteIpDetails of the finding's action:
// of its network connection, else its AWS API call, its Kubernetes API
// call, its RDS login attempt or its first port probe.
func remoteIPDetails(c *docsrc.Cursor) gjson.Result {
	for _, p := range [...]*path{&pathConnection, &pathAPICall, &pathK8sAPICall, &pathRDSLogin, &pathProbe} {
		if r := keyRemoteIP.in(p.get(c)); r.Exists() {
			return r
		}
	}
	return gjson.Result{}
}

// remoteIP gives the remote address of the finding's action.
func remoteIP(c *docsrc.Cursor) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		d := remoteIPDetails(c)
		ip := keyIPv4.in(d)
		if ip.Type != gjson.String {
			ip = keyIPv6.in(d)
		}
		if ip.Type != gjson.String {
			return dst
		}
		a, err := netip.ParseAddr(ip.Str)
		if err != nil {
			return dst
		}
		return append(dst, field.IP(a))
	}
}

// remoteText gives a text about the remote address of the finding's
// action, at k, else at alt.
func remoteText(c *docsrc.Cursor, k, alt key) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		d := remoteIPDetails(c)
		r := k.in(d)
		if r.Type != gjson.String || r.Str == "" {
			r = alt.in(d)
		}
		if r.Type == gjson.String && r.Str != "" {
			dst = append(dst, docsrc.Value(r))
		}
		return dst
	}
}

// localPort gives the local port of the network connection, else of the
// first port probe.
func localPort(c *docsrc.Cursor) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		r := keyLocalPort.in(pathConnection.get(c))
		if !r.Exists() {
			r = keyLocalPort.in(pathProbe.get(c))
		}
		if v, ok := value(r, field.KindUint); ok {
			dst = append(dst, v)
		}
		return dst
	}
}

// protocol gives the protocol of the network connection, else of the DNS
// request.
func protocol(c *docsrc.Cursor) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		r := keyProtocol.in(pathConnection.get(c))
		if r.Type != gjson.String {
			r = pathDNSProtocol.get(c)
		}
		if r.Type == gjson.String {
			dst = append(dst, docsrc.Value(r))
		}
		return dst
	}
}
