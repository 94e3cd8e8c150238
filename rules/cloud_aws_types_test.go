package defaultrules_test

import (
	"fmt"
	"testing"

	"peregrine/internal/alert"
	"peregrine/internal/cloudtrail"
	"peregrine/internal/docsrc"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

// TestAWSLargeInstanceTypes: the instance types cloud_aws.yaml calls GPU or
// large (GPU and accelerator families, bare metal, 16xlarge and up) are the
// same for an EC2 launch and for an EKS node group or Batch compute
// environment, and the sizes under 16xlarge are not large.
func TestAWSLargeInstanceTypes(t *testing.T) {
	ev := awsEvaluator(t)
	const (
		ec2Rule     = "AWS GPU or large instances launched"
		managedRule = "AWS GPU or large compute requested from a managed service"
	)
	// Every record is in us-east-1 (an allowed region) so that only the
	// size rules can fire.
	calls := []struct {
		src, name, params, rule string
	}{
		{"ec2", "RunInstances", `{"instanceType":%q}`, ec2Rule},
		{"eks", "CreateNodegroup", `{"instanceTypes":[%q]}`, managedRule},
		{"batch", "CreateComputeEnvironment", `{"computeResources":{"instanceTypes":[%q]}}`, managedRule},
	}
	for _, tc := range []struct {
		typ   string
		large bool
	}{
		{"p3.2xlarge", true},
		{"g5.xlarge", true},
		{"gr6.4xlarge", true},
		{"vt1.3xlarge", true},
		{"inf2.xlarge", true},
		{"trn1.2xlarge", true},
		{"dl1.24xlarge", true},
		{"c5.metal", true},
		{"m5.16xlarge", true},
		{"c5.24xlarge", true},
		{"u-6tb1.112xlarge", true},
		{"m5.large", false},
		{"c5.4xlarge", false},
		{"m5.12xlarge", false},
		{"r5.10xlarge", false},
	} {
		for _, c := range calls {
			record := fmt.Sprintf(`{"eventVersion":"1.09","eventTime":"2026-11-20T10:00:00Z","eventSource":"%s.amazonaws.com",`+
				`"eventName":%q,"awsRegion":"us-east-1","eventID":"e1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333"},`+
				`"requestParameters":`+c.params+`}`, c.src, c.name, tc.typ)
			fired := awsFired(t, ev, record)
			var want []string
			if tc.large {
				want = []string{c.rule}
			}
			if fmt.Sprint(fired) != fmt.Sprint(want) {
				t.Errorf("%s of %s raised %q, want %q", c.name, tc.typ, fired, want)
			}
		}
	}
}

// TestAWSGPUTaskDefinition: an ECS task definition asking for a GPU is
// found whether the record's JSON is compact, as CloudTrail delivers it,
// or spaced, as re-encoding tools write it.
func TestAWSGPUTaskDefinition(t *testing.T) {
	ev := awsEvaluator(t)
	for _, tc := range []struct {
		name, params string
		want         []string
	}{
		{"compact gpu", `{"family":"f","containerDefinitions":[{"name":"c","resourceRequirements":[{"value":"1","type":"GPU"}]}]}`,
			[]string{"AWS GPU or large compute requested from a managed service"}},
		{"spaced gpu", `{"family": "f", "containerDefinitions": [{"name": "c", "resourceRequirements": [{"value": "1", "type": "GPU"}]}]}`,
			[]string{"AWS GPU or large compute requested from a managed service"}},
		{"no gpu", `{"family": "f", "cpu": "1024", "containerDefinitions": [{"name": "GPU", "image": "nginx"}]}`, nil},
	} {
		record := `{"eventVersion":"1.09","eventTime":"2026-11-20T10:00:00Z","eventSource":"ecs.amazonaws.com",` +
			`"eventName":"RegisterTaskDefinition","awsRegion":"us-east-1","eventID":"e1",` +
			`"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333"},` +
			`"requestParameters":` + tc.params + `}`
		if got := awsFired(t, ev, record); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: raised %q, want %q", tc.name, got, tc.want)
		}
	}
}

// awsEvaluator compiles cloud_aws.yaml alone for the aws_cloudtrail source.
func awsEvaluator(t *testing.T) *docsrc.Evaluator {
	t.Helper()
	spec, diags, err := loader.Load("cloud_aws.yaml")
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	ev, _, err := docsrc.New(cloudtrail.Def(), spec, docsrc.Options{Matching: rules.MatchFirst})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// awsFired returns the rules one CloudTrail record raises.
func awsFired(t *testing.T, ev *docsrc.Evaluator, record string) []string {
	t.Helper()
	var fired []string
	err := ev.Batch([]byte(record), func(a *alert.Alert) { fired = append(fired, a.Rule) },
		func(err error) { t.Errorf("record %s: %v", record, err) })
	if err != nil {
		t.Fatalf("record %s: %v", record, err)
	}
	return fired
}
