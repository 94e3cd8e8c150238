package incident

import (
	"fmt"
	"strings"
)

// Step is one response action for a resource of an incident.
type Step struct {
	Resource Key    `json:"resource"`
	Action   string `json:"action"`
	Command  string `json:"command,omitempty"` // a command that does it, with <placeholders>
}

// stepsFor returns the response steps for key k of incident id, in the
// order to take them.
func stepsFor(k Key, id string) []Step {
	v := k.Value
	step := func(action, command string) Step { return Step{Resource: k, Action: action, Command: command} }
	switch k.Kind {
	case KindContainer:
		return []Step{
			step(fmt.Sprintf("Collect evidence of container %s (file system changes, processes, logs) before it goes away", v),
				fmt.Sprintf("peregrine forensics collect %s --case %s --out %s-evidence --pause", v, id, id)),
			step(fmt.Sprintf("Stop container %s once the evidence is sealed", v), "docker stop "+v),
		}
	case KindInstance:
		return []Step{
			step(fmt.Sprintf("Isolate instance %s: replace its security groups with one that allows no traffic", v),
				fmt.Sprintf("aws ec2 modify-instance-attribute --instance-id %s --groups <isolation-sg-id>", v)),
			step(fmt.Sprintf("Snapshot the EBS volumes of instance %s before it is stopped", v),
				fmt.Sprintf("aws ec2 describe-volumes --filters Name=attachment.instance-id,Values=%s --query 'Volumes[].VolumeId' --output text | xargs -n1 aws ec2 create-snapshot --description %s --volume-id", v, id)),
			step(fmt.Sprintf("Stop instance %s after the snapshots complete", v), "aws ec2 stop-instances --instance-ids "+v),
		}
	case KindAccessKey:
		return []Step{
			step(fmt.Sprintf("Deactivate access key %s, then delete it once nothing legitimate needs it", v),
				fmt.Sprintf("aws iam update-access-key --access-key-id %s --status Inactive --user-name <user>", v)),
			step(fmt.Sprintf("Review in CloudTrail what access key %s did", v),
				fmt.Sprintf("aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=%s", v)),
		}
	case KindPrincipal:
		name := v[strings.LastIndexAny(v, "/:")+1:]
		return []Step{step(fmt.Sprintf("Review CloudTrail for principal %s: keys it created, instances it launched, logging it changed", v),
			fmt.Sprintf("aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=%s", name))}
	case KindDomain:
		return []Step{step(fmt.Sprintf("Block pool domain %s at egress (DNS firewall, proxy) and look for other hosts resolving it", v), "")}
	case KindEndpoint:
		return []Step{step(fmt.Sprintf("Block pool address %s at egress (network ACL, firewall) and look for other connections to it", v), "")}
	case KindImage:
		return []Step{step(fmt.Sprintf("Quarantine image %s: stop deploying it and find every container started from it", v),
			"docker ps --filter ancestor="+v)}
	case KindHost:
		return []Step{step(fmt.Sprintf("Check host %s for other miners and for persistence (cron, systemd units, SSH keys)", v), "")}
	case KindAccount:
		acct, region, _ := strings.Cut(v, "/")
		return []Step{step(fmt.Sprintf("Review region %s of account %s for other instances, quota increases and keys created in the window", region, acct),
			fmt.Sprintf("aws cloudtrail lookup-events --region %s --lookup-attributes AttributeKey=EventName,AttributeValue=RunInstances", region))}
	}
	return nil
}
