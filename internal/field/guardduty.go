package field

import "peregrine/internal/event"

// SourceGuardDuty is the source of Amazon GuardDuty findings, one event
// per finding. It is Peregrine's own: no Falco plugin defines it, so its
// fields are ours and falco_fields.tsv does not list them.
const SourceGuardDuty = "aws_guardduty"

// ClassGuardDuty groups the fields of the aws_guardduty source.
const ClassGuardDuty = "guardduty"

// guardDutyFields are the fields of the aws_guardduty source. A finding
// reaches Peregrine in one of two spellings, the camelCase of the GuardDuty
// wire protocol and of EventBridge events, or the PascalCase the AWS CLI
// and SDKs print; every field reads both. Values are text unless the type
// says otherwise; a field the finding does not carry has no value.
var guardDutyFields = []Field{
	// The finding.
	{Name: "guardduty.id", Type: event.PTCharbuf, Desc: "Id GuardDuty gave the finding."},
	{Name: "guardduty.arn", Type: event.PTCharbuf, Desc: "ARN of the finding, naming its detector."},
	{Name: "guardduty.type", Type: event.PTCharbuf, Desc: "Finding type, such as CryptoCurrency:EC2/BitcoinTool.B!DNS."},
	{Name: "guardduty.type.threat_purpose", Type: event.PTCharbuf, Desc: "Part of the finding type before the colon: CryptoCurrency, Impact, Recon, AttackSequence and so on."},
	{Name: "guardduty.type.resource_type", Type: event.PTCharbuf, Desc: "Part of the finding type between the colon and the slash: EC2, Runtime, Lambda, IAMUser, Kubernetes and so on."},
	{Name: "guardduty.type.family", Type: event.PTCharbuf, Desc: "Part of the finding type after the slash: threat family, detection mechanism and artifact, such as BitcoinTool.B!DNS."},
	{Name: "guardduty.severity", Type: event.PTDouble, Desc: "Severity as a number from 1 to 10 (GuardDuty gives it with one decimal)."},
	{Name: "guardduty.severity.label", Type: event.PTCharbuf, Desc: "Severity band: Low below 4, Medium below 7, High below 9, Critical from 9 up."},
	{Name: "guardduty.title", Type: event.PTCharbuf, Desc: "One-line title of the finding."},
	{Name: "guardduty.description", Type: event.PTCharbuf, Desc: "Longer description of what GuardDuty saw."},
	{Name: "guardduty.account", Type: event.PTCharbuf, Desc: "AWS account id the finding belongs to."},
	{Name: "guardduty.region", Type: event.PTCharbuf, Desc: "AWS region the finding was raised in."},
	{Name: "guardduty.created_at", Type: event.PTCharbuf, Desc: "Time the finding was first created, as the finding gives it."},
	{Name: "guardduty.updated_at", Type: event.PTCharbuf, Desc: "Time the finding was last updated, as the finding gives it; the event time is this one."},
	{Name: "guardduty.count", Type: event.PTUint64, Desc: "How many times GuardDuty has seen the activity of the finding."},
	{Name: "guardduty.archived", Type: event.PTBool, Desc: "Whether someone (or a suppression rule) archived the finding."},
	{Name: "guardduty.sample", Type: event.PTBool, Desc: "Whether the finding is a generated sample (CreateSampleFindings); false for a real one."},
	{Name: "guardduty.feature", Type: event.PTCharbuf, Desc: "GuardDuty feature that raised the finding, such as RuntimeMonitoring or DnsLogs."},
	{Name: "guardduty.detector", Type: event.PTCharbuf, Desc: "Id of the GuardDuty detector that raised the finding."},
	{Name: "guardduty.threat.names", Type: event.PTCharbuf, List: true, Desc: "Threat names of the threat intelligence evidence, such as CryptoMining, as a list."},
	{Name: "guardduty.threat.lists", Type: event.PTCharbuf, List: true, Desc: "Names of the threat lists the evidence came from, as a list."},

	// The resource.
	{Name: "guardduty.resource.type", Type: event.PTCharbuf, Desc: "Kind of resource the finding is about: Instance, AccessKey, EKSCluster, ECSCluster, Container, Lambda, S3Bucket and so on."},
	{Name: "guardduty.resource.role", Type: event.PTCharbuf, Desc: "Whether the resource was the TARGET or the ACTOR of the activity; empty for Runtime Monitoring findings."},
	{Name: "guardduty.instance.id", Type: event.PTCharbuf, Desc: "EC2 instance id, such as i-0a1b2c3d4e5f67890."},
	{Name: "guardduty.instance.type", Type: event.PTCharbuf, Desc: "EC2 instance type, such as p3.2xlarge."},
	{Name: "guardduty.instance.image_id", Type: event.PTCharbuf, Desc: "AMI the EC2 instance was launched from."},
	{Name: "guardduty.instance.tags", Type: event.PTCharbuf, List: true, Desc: "Tags of the EC2 instance, each as key=value, as a list."},
	{Name: "guardduty.instance.public_ip", Type: event.PTCharbuf, List: true, Desc: "Public addresses of the network interfaces of the EC2 instance, as a list."},
	{Name: "guardduty.accesskey.id", Type: event.PTCharbuf, Desc: "IAM access key id the finding names."},
	{Name: "guardduty.accesskey.user", Type: event.PTCharbuf, Desc: "IAM user name of the access key."},
	{Name: "guardduty.accesskey.user_type", Type: event.PTCharbuf, Desc: "Kind of principal of the access key, such as IAMUser, AssumedRole or Root."},
	{Name: "guardduty.eks.cluster", Type: event.PTCharbuf, Desc: "Name of the EKS cluster."},
	{Name: "guardduty.ecs.cluster", Type: event.PTCharbuf, Desc: "Name of the ECS cluster."},
	{Name: "guardduty.ecs.task", Type: event.PTCharbuf, Desc: "ARN of the ECS task."},
	{Name: "guardduty.lambda.function", Type: event.PTCharbuf, Desc: "Name of the Lambda function."},
	{Name: "guardduty.container.id", Type: event.PTCharbuf, List: true, Desc: "Ids of the containers the finding names (its container, the containers of its ECS task), as a list."},
	{Name: "guardduty.container.name", Type: event.PTCharbuf, List: true, Desc: "Names of the containers the finding names (its container, the containers of its Kubernetes workload or ECS task), as a list."},
	{Name: "guardduty.container.image", Type: event.PTCharbuf, List: true, Desc: "Images of the containers the finding names (its container, the containers of its Kubernetes workload or ECS task), as a list."},
	{Name: "guardduty.k8s.namespace", Type: event.PTCharbuf, Desc: "Kubernetes namespace of the workload the finding names."},
	{Name: "guardduty.k8s.workload", Type: event.PTCharbuf, Desc: "Name of the Kubernetes workload (pod, deployment ...) the finding names."},
	{Name: "guardduty.k8s.workload_type", Type: event.PTCharbuf, Desc: "Kind of that Kubernetes workload, such as pods or deployments."},
	{Name: "guardduty.k8s.pod", Type: event.PTCharbuf, Desc: "Name of the Kubernetes pod, when the workload the finding names is a pod."},

	// What was done.
	{Name: "guardduty.action.type", Type: event.PTCharbuf, Desc: "Kind of activity: DNS_REQUEST, NETWORK_CONNECTION, AWS_API_CALL, PORT_PROBE, KUBERNETES_API_CALL and so on."},
	{Name: "guardduty.dns.domain", Type: event.PTCharbuf, Desc: "Domain name a DNS request asked for."},
	{Name: "guardduty.network.remote_ip", Type: event.PTIPAddr, Desc: "Remote address of the activity: of the network connection, else of the API call, else of the first port probe."},
	{Name: "guardduty.network.remote_port", Type: event.PTPort, Desc: "Remote port of the network connection."},
	{Name: "guardduty.network.local_port", Type: event.PTPort, Desc: "Local port of the network connection, else of the first port probe."},
	{Name: "guardduty.network.direction", Type: event.PTCharbuf, Desc: "Direction of the network connection: INBOUND, OUTBOUND or UNKNOWN."},
	{Name: "guardduty.network.protocol", Type: event.PTCharbuf, Desc: "Protocol of the network connection or DNS request, such as TCP or UDP."},
	{Name: "guardduty.network.remote_country", Type: event.PTCharbuf, Desc: "Country name of the remote address, as GuardDuty located it."},
	{Name: "guardduty.network.remote_org", Type: event.PTCharbuf, Desc: "Organization (ISP or ASN holder) of the remote address."},
	{Name: "guardduty.api.name", Type: event.PTCharbuf, Desc: "AWS API the caller called, such as RunInstances."},
	{Name: "guardduty.api.service", Type: event.PTCharbuf, Desc: "AWS service of the API call, such as ec2.amazonaws.com."},
	{Name: "guardduty.api.caller", Type: event.PTCharbuf, Desc: "Kind of caller of the API call as GuardDuty gives it, such as Remote IP or Domain."},

	// The process, for Runtime Monitoring findings.
	{Name: "guardduty.process.name", Type: event.PTCharbuf, Desc: "Name of the process the runtime agent saw."},
	{Name: "guardduty.process.path", Type: event.PTCharbuf, Desc: "Absolute path of the executable of the process."},
	{Name: "guardduty.process.sha256", Type: event.PTCharbuf, Desc: "SHA-256 hash of the executable of the process."},
	{Name: "guardduty.process.pid", Type: event.PTInt64, Desc: "Process id on the host."},
	{Name: "guardduty.process.namespace_pid", Type: event.PTInt64, Desc: "Process id inside the process's own pid namespace (its container)."},
	{Name: "guardduty.process.cwd", Type: event.PTCharbuf, Desc: "Working directory of the process."},
	{Name: "guardduty.process.user", Type: event.PTCharbuf, Desc: "User name the process ran as."},
	{Name: "guardduty.process.euid", Type: event.PTInt64, Desc: "Effective user id of the process."},
	{Name: "guardduty.process.lineage", Type: event.PTCharbuf, List: true, Desc: "Executable paths of the ancestors of the process, parent first, as a list."},
	{Name: "guardduty.runtime.context", Type: event.PTCharbuf, Desc: "Context object of a runtime finding (what was modified, loaded or run, depending on the type), as JSON text."},

	// Attack sequences.
	{Name: "guardduty.sequence.description", Type: event.PTCharbuf, Desc: "Summary of an attack sequence finding: the steps GuardDuty linked."},
	{Name: "guardduty.sequence.signals", Type: event.PTCharbuf, List: true, Desc: "Names of the signals (findings and API calls) an attack sequence links, as a list."},
}
