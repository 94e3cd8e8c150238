package guardduty_test

import (
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
	"peregrine/internal/guardduty"
)

// corpusFindings reads a corpus file and returns its findings by id.
func corpusFindings(t testing.TB, name string) map[string][]byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string][]byte{}
	var batches [][]byte
	if name == "testdata/get-findings.json" {
		batches = [][]byte{data}
	} else {
		batches = splitLines(data)
	}
	for _, b := range batches {
		err := guardduty.Records(b, func(doc []byte, _ time.Time) {
			id := gjson.GetBytes(doc, "id").Str + gjson.GetBytes(doc, "Id").Str
			byID[id] = doc
		}, func(err error) { t.Errorf("%s: %v", name, err) })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return byID
}

// splitLines splits JSON lines, leaving out empty ones.
func splitLines(data []byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range data {
		if c == '\n' {
			if i > start {
				out = append(out, data[start:i])
			}
			start = i + 1
		}
	}
	if start < len(data) {
		out = append(out, data[start:])
	}
	return out
}

// text renders a field value for comparison.
func text(v field.Value) string {
	switch v.Kind {
	case field.KindString:
		return string(v.B)
	case field.KindFloat:
		return strconv.FormatFloat(math.Float64frombits(v.N), 'g', -1, 64)
	case field.KindUint:
		return strconv.FormatUint(v.N, 10)
	case field.KindInt:
		return strconv.FormatInt(int64(v.N), 10)
	case field.KindBool:
		return strconv.FormatBool(v.N != 0)
	case field.KindIP:
		return v.IP.String()
	}
	return "kind " + v.Kind.String()
}

// TestFields reads fields of corpus findings, in both spellings: an EKS
// pod with its containers, an EC2 instance with a runtime process, an
// ECS task, a DNS finding, a port probe, an attack sequence on an access
// key, a Lambda function and a sample finding.
func TestFields(t *testing.T) {
	xmrEKS := "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
	cases := []struct {
		id, field string
		want      []string
	}{
		// The finding.
		{"gd-rt-miner-eks", "guardduty.id", []string{"gd-rt-miner-eks"}},
		{"gd-rt-miner-eks", "guardduty.type", []string{"Impact:Runtime/CryptoMinerExecuted"}},
		{"gd-rt-miner-eks", "guardduty.type.threat_purpose", []string{"Impact"}},
		{"gd-rt-miner-eks", "guardduty.type.resource_type", []string{"Runtime"}},
		{"gd-rt-miner-eks", "guardduty.type.family", []string{"CryptoMinerExecuted"}},
		{"gd-ec2-btc-dns", "guardduty.type.family", []string{"BitcoinTool.B!DNS"}},
		{"gd-rt-miner-eks", "guardduty.severity", []string{"8"}},
		{"gd-rt-miner-eks", "guardduty.severity.label", []string{"High"}},
		{"gd-seq-iam", "guardduty.severity", []string{"9.2"}},
		{"gd-seq-iam", "guardduty.severity.label", []string{"Critical"}},
		{"gd-medium-dns", "guardduty.severity.label", []string{"Medium"}},
		{"gd-recon", "guardduty.severity.label", []string{"Low"}},
		{"gd-rt-miner-eks", "guardduty.title", []string{"Crypto mining binary executed in container xmr in EKS cluster prod."}},
		{"gd-rt-miner-eks", "guardduty.account", []string{"123456789012"}},
		{"gd-rt-miner-eks", "guardduty.region", []string{"us-east-1"}},
		{"gd-rt-miner-eks", "guardduty.created_at", []string{"2026-03-02T10:07:00.000Z"}},
		{"gd-rt-miner-eks", "guardduty.updated_at", []string{"2026-03-02T10:07:00.000Z"}},
		{"gd-rt-miner-eks", "guardduty.count", []string{"1"}},
		{"gd-rt-miner-eks", "guardduty.archived", []string{"false"}},
		{"gd-archived", "guardduty.archived", []string{"true"}},
		{"gd-rt-miner-eks", "guardduty.sample", []string{"false"}},
		{"gd-sample", "guardduty.sample", []string{"true"}},
		{"gd-rt-miner-eks", "guardduty.feature", []string{"RuntimeMonitoring"}},
		{"gd-rt-miner-eks", "guardduty.detector", []string{"7ab01139c0b81403b3c8ec8e08cf939c"}},
		{"gd-ec2-btc-dns", "guardduty.threat.names", []string{"CryptoMining"}},
		{"gd-ec2-btc-dns", "guardduty.threat.lists", []string{"ProofPoint"}},

		// An EKS pod and its containers.
		{"gd-rt-miner-eks", "guardduty.resource.type", []string{"EKSCluster"}},
		{"gd-rt-miner-eks", "guardduty.eks.cluster", []string{"prod"}},
		{"gd-rt-miner-eks", "guardduty.k8s.namespace", []string{"shop"}},
		{"gd-rt-miner-eks", "guardduty.k8s.pod", []string{"web-7d4f9b8c-4xk2p"}},
		{"gd-rt-miner-eks", "guardduty.k8s.workload", []string{"web-7d4f9b8c-4xk2p"}},
		{"gd-rt-miner-eks", "guardduty.k8s.workload_type", []string{"pods"}},
		{"gd-rt-miner-eks", "guardduty.container.id", []string{xmrEKS}},
		{"gd-rt-miner-eks", "guardduty.container.name", []string{"xmr", "web"}},
		{"gd-rt-miner-eks", "guardduty.container.image", []string{"docker.io/evil/helper:latest", "registry.example.com/shop/web:2.1"}},
		{"gd-rt-miner-eks", "guardduty.instance.id", nil},
		{"gd-rt-miner-eks", "guardduty.process.name", []string{"xmrig"}},
		{"gd-rt-miner-eks", "guardduty.process.path", []string{"/tmp/.x/xmrig"}},
		{"gd-rt-miner-eks", "guardduty.process.sha256", []string{"5f1c0e3b9e6b1a2d4c8f7e6d5c4b3a29181716151413121110f0e0d0c0b0a090"}},
		{"gd-rt-miner-eks", "guardduty.process.pid", []string{"40211"}},
		{"gd-rt-miner-eks", "guardduty.process.namespace_pid", []string{"31"}},
		{"gd-rt-miner-eks", "guardduty.process.cwd", []string{"/tmp/.x"}},
		{"gd-rt-miner-eks", "guardduty.process.user", []string{"root"}},
		{"gd-rt-miner-eks", "guardduty.process.euid", []string{"0"}},
		{"gd-rt-miner-eks", "guardduty.process.lineage", []string{"/bin/sh", "/usr/bin/containerd-shim-runc-v2"}},
		{"gd-rt-btc-ec2", "guardduty.resource.role", nil},
		{"gd-ec2-btc", "guardduty.resource.role", []string{"ACTOR"}},

		// An EC2 instance with a runtime process talking to a pool.
		{"gd-rt-btc-ec2", "guardduty.resource.type", []string{"Instance"}},
		{"gd-rt-btc-ec2", "guardduty.instance.id", []string{"i-0a1b2c3d4e5f60004"}},
		{"gd-rt-btc-ec2", "guardduty.instance.type", []string{"c5.4xlarge"}},
		{"gd-rt-btc-ec2", "guardduty.instance.image_id", []string{"ami-0abcdef1234567890"}},
		{"gd-rt-btc-ec2", "guardduty.instance.tags", []string{"Name=ml-train-07", "team=data"}},
		{"gd-rt-btc-ec2", "guardduty.instance.public_ip", []string{"203.0.113.9"}},
		{"gd-rt-btc-ec2", "guardduty.process.name", []string{"xmrig"}},
		{"gd-rt-btc-ec2", "guardduty.process.pid", []string{"40211"}},
		{"gd-rt-btc-ec2", "guardduty.container.id", nil},
		{"gd-rt-btc-ec2", "guardduty.action.type", []string{"NETWORK_CONNECTION"}},
		{"gd-rt-btc-ec2", "guardduty.network.remote_ip", []string{"198.51.100.77"}},
		{"gd-rt-btc-ec2", "guardduty.network.remote_port", []string{"14444"}},
		{"gd-rt-btc-ec2", "guardduty.network.local_port", []string{"49152"}},
		{"gd-rt-btc-ec2", "guardduty.network.direction", []string{"OUTBOUND"}},
		{"gd-rt-btc-ec2", "guardduty.network.protocol", []string{"TCP"}},
		{"gd-rt-btc-ec2", "guardduty.network.remote_country", []string{"Netherlands"}},
		{"gd-rt-btc-ec2", "guardduty.network.remote_org", []string{"ExampleHost BV"}},
		{"gd-rt-btc-ec2", "guardduty.dns.domain", nil},

		// An ECS task.
		{"gd-rt-btc-dns-ecs", "guardduty.ecs.cluster", []string{"batch"}},
		{"gd-rt-btc-dns-ecs", "guardduty.ecs.task", []string{"arn:aws:ecs:us-east-1:123456789012:task/batch/0a1b2c3d4e5f"}},
		{"gd-rt-btc-dns-ecs", "guardduty.container.id", []string{"abc123def4567890"}},
		{"gd-rt-btc-dns-ecs", "guardduty.container.image", []string{"123456789012.dkr.ecr.us-east-1.amazonaws.com/etl:7"}},
		{"gd-rt-btc-dns-ecs", "guardduty.dns.domain", []string{"gulf.moneroocean.stream"}},
		{"gd-rt-btc-dns-ecs", "guardduty.network.protocol", []string{"UDP"}},
		{"gd-rt-btc-dns-ecs", "guardduty.k8s.pod", nil},

		// A port probe: the remote address of the first probe.
		{"gd-recon", "guardduty.action.type", []string{"PORT_PROBE"}},
		{"gd-recon", "guardduty.network.remote_ip", []string{"192.0.2.10"}},
		{"gd-recon", "guardduty.network.local_port", []string{"22"}},
		{"gd-recon", "guardduty.network.remote_port", nil},

		// An attack sequence on an access key, with an API call.
		{"gd-seq-iam", "guardduty.accesskey.id", []string{"AKIAIOSFODNN7EXAMPLE"}},
		{"gd-seq-iam", "guardduty.accesskey.user", []string{"ci-deploy"}},
		{"gd-seq-iam", "guardduty.accesskey.user_type", []string{"IAMUser"}},
		{"gd-seq-iam", "guardduty.api.name", []string{"RunInstances"}},
		{"gd-seq-iam", "guardduty.api.service", []string{"ec2.amazonaws.com"}},
		{"gd-seq-iam", "guardduty.api.caller", []string{"Remote IP"}},
		{"gd-seq-iam", "guardduty.network.remote_ip", []string{"192.0.2.44"}},
		{"gd-seq-iam", "guardduty.sequence.description", []string{"Several signals on one resource point to its takeover."}},
		{"gd-seq-iam", "guardduty.sequence.signals", []string{"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "RunInstances"}},

		// A Lambda function.
		{"gd-lambda-btc", "guardduty.lambda.function", []string{"thumbnailer"}},
		{"gd-lambda-btc", "guardduty.resource.type", []string{"Lambda"}},
	}
	cat := field.Default()
	for _, file := range []string{"testdata/get-findings.json", "testdata/eventbridge.jsonl"} {
		docs := corpusFindings(t, file)
		var cur docsrc.Cursor
		b := docsrc.NewBinder(guardduty.Def(), &cur, "test-host")
		for _, tc := range cases {
			doc, ok := docs[tc.id]
			if !ok {
				t.Fatalf("%s: no finding %s", file, tc.id)
			}
			f, arg, ok := cat.Lookup(field.SourceGuardDuty, tc.field)
			if !ok {
				t.Fatalf("%s: not in the catalog", tc.field)
			}
			ex, err := b.Bind(f, arg)
			if err != nil {
				t.Fatalf("%s: %v", tc.field, err)
			}
			cur.Set(doc, time.Unix(0, 0))
			var got []string
			for _, v := range ex(nil) {
				if v.Kind != f.Kind() {
					t.Errorf("%s %s: value of kind %v, the catalog says %v", file, tc.field, v.Kind, f.Kind())
				}
				got = append(got, text(v))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s %s %s (-want +got):\n%s", file, tc.id, tc.field, diff)
			}
		}
	}
}

// TestEveryFieldBinds binds every field of the source's catalog: none is
// declared without an extractor.
func TestEveryFieldBinds(t *testing.T) {
	var cur docsrc.Cursor
	b := docsrc.NewBinder(guardduty.Def(), &cur, "test-host")
	fields := field.Default().Fields(field.SourceGuardDuty)
	if len(fields) < 60 {
		t.Fatalf("%d aws_guardduty fields, want the catalog's 60 or more", len(fields))
	}
	for _, f := range fields {
		arg := field.Arg{}
		if f.Arg == field.ArgRequired {
			arg.Text = "/type"
		}
		if _, err := b.Bind(f, arg); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
}

// TestBand checks the severity bands at their edges.
func TestBand(t *testing.T) {
	for _, tc := range []struct {
		sev  float64
		want string
	}{{1, "Low"}, {3.9, "Low"}, {4, "Medium"}, {6.9, "Medium"}, {7, "High"}, {8.9, "High"}, {9, "Critical"}, {10, "Critical"}} {
		if got := string(guardduty.Band(tc.sev).B); got != tc.want {
			t.Errorf("Band(%v) = %s, want %s", tc.sev, got, tc.want)
		}
	}
}
