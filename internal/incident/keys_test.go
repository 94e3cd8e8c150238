package incident

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const (
	fullID  = "3f2a9c1b7d4e8a6f0e5d4c3b2a190817263544536271809a8b7c6d5e4f3a2b1c"
	shortID = "3f2a9c1b7d4e"
)

func TestKeys(t *testing.T) {
	for _, tc := range []struct {
		name string
		sig  Signal
		want []Key
	}{
		{"syscall container, short id", testSignal("syscall", "r", 0, nil, "web-1", "container.id="+shortID, "container.image.repository=Webshop/API"),
			[]Key{{KindContainer, shortID}, {KindHost, "web-1"}, {KindImage, "webshop/api"}}},
		{"guardduty container, long id, instance, domain, account", testSignal("aws_guardduty", "r", 0, nil, "laptop",
			"guardduty.container.id="+fullID, "guardduty.instance.id=i-0a1b2c3d4e5f60718", "guardduty.dns.domain=Pool.SupportXMR.com.",
			"guardduty.account=111122223333", "guardduty.region=us-east-1"),
			[]Key{{KindAccount, "111122223333/us-east-1"}, {KindContainer, shortID}, {KindInstance, "i-0a1b2c3d4e5f60718"}, {KindDomain, "pool.supportxmr.com"}}},
		{"host pseudo-container, NA image, loopback pool", testSignal("syscall", "r", 0, nil, "h", "container.id=host", "container.image.repository=<NA>",
			"fd.sip=127.0.0.1", "fd.sport=3333", "proc.cmdline=xmrig -o stratum+tcp://127.0.0.1:3333 -u w"),
			[]Key{{KindHost, "h"}}},
		{"pool endpoint from the connection and the command line", testSignal("syscall", "r", 0, nil, "", "fd.sip=203.0.113.50", "fd.sport=3333",
			"proc.cmdline=xmrig -o stratum+ssl://198.51.100.9:443 --donate-level 1"),
			[]Key{{KindEndpoint, "198.51.100.9:443"}, {KindEndpoint, "203.0.113.50:3333"}}},
		{"ipv6 endpoint", testSignal("syscall", "r", 0, nil, "", "fd.sip=2001:db8::1", "fd.sport=4444"),
			[]Key{{KindEndpoint, "[2001:db8::1]:4444"}}},
		{"known pool without a scheme", testSignal("compute", "r", 0, nil, "", "compute.proc.cmdline=miner -o gulf.moneroocean.stream:10128 -o example.com:80",
			"compute.container.full_id="+fullID, "compute.host=batch-7"),
			[]Key{{KindContainer, shortID}, {KindHost, "batch-7"}, {KindDomain, "gulf.moneroocean.stream"}}},
		{"cloudtrail response, principal, access key anywhere; the replaying host is no key", testSignal("aws_cloudtrail", "r", 0, nil, "laptop",
			`ct.response={"instancesSet":{"items":[{"instanceId":"i-0123456789abcdef0"},{"instanceId":"i-01234567"}]}}`,
			"ct.user.arn=arn:aws:iam::1:user/x", "ct.request={\"userName\":\"x\",\"key\":\"AKIAIOSFODNN7EXAMPLE\"}", "ct.region=eu-west-1"),
			[]Key{{KindAccessKey, "AKIAIOSFODNN7EXAMPLE"}, {KindInstance, "i-01234567"}, {KindInstance, "i-0123456789abcdef0"}, {KindPrincipal, "arn:aws:iam::1:user/x"}}},
		{"guardduty access key and remote address", testSignal("aws_guardduty", "r", 0, nil, "", "guardduty.accesskey.id=ASIAIOSFODNN7EXAMPL2",
			"guardduty.network.remote_ip=198.51.100.3", "guardduty.network.remote_port=14444"),
			[]Key{{KindAccessKey, "ASIAIOSFODNN7EXAMPL2"}, {KindEndpoint, "198.51.100.3:14444"}}},
		{"image references: tag, digest, docker.io, registry port", testSignal("aws_guardduty", "r", 0, nil, "",
			"guardduty.container.image=docker.io/library/Nginx:1.25@sha256:0123", "guardduty.container.image=registry.example.com:5000/shop/web:2.1",
			"guardduty.container.image=peregrine-test/miner"),
			[]Key{{KindImage, "nginx"}, {KindImage, "peregrine-test/miner"}, {KindImage, "registry.example.com:5000/shop/web"}}},
		{"a remote address without a port: a pool in a network finding, a caller elsewhere", testSignal("aws_guardduty", "r", 0, []string{"network"}, "",
			"guardduty.network.remote_ip=198.51.100.3"),
			[]Key{{KindEndpoint, "198.51.100.3"}}},
		{"an API caller's address is no pool", testSignal("aws_guardduty", "GuardDuty credentials attack sequence", 0, nil, "",
			"guardduty.network.remote_ip=192.0.2.44", "guardduty.accesskey.id=AKIAIOSFODNN7EXAMPLE"),
			[]Key{{KindAccessKey, "AKIAIOSFODNN7EXAMPLE"}}},
		{"not ids: a short hex container, an instance-like word", testSignal("syscall", "r", 0, nil, "", "container.id=abc", "ct.info=i-zzzzzzzz"),
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tc.sig.Keys, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("keys (-want +got):\n%s", d)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sig    Signal
		cat    Category
		mining bool
	}{
		{"miner launch", testSignal("syscall", "Crypto miner launched", 0, nil, ""), CategoryRuntime, true},
		{"pool port by tags", testSignal("syscall", "Outbound connection to crypto mining pool port", 0, []string{"network", "T1496"}, ""), CategoryNetwork, true},
		{"a connection alert by its fields", testSignal("syscall", "Unexpected outbound", 0, nil, "", "fd.sip=1.2.3.4"), CategoryNetwork, false},
		{"shell", testSignal("syscall", "Terminal shell in container", 0, []string{"shell"}, ""), CategoryRuntime, false},
		{"compute", testSignal("compute", "Sustained high CPU in container", 0, []string{"compute", "cryptomining"}, ""), CategoryCompute, true},
		{"guardduty dns", testSignal("aws_guardduty", "GuardDuty finding", 0, nil, "", "guardduty.type=CryptoCurrency:EC2/BitcoinTool.B!DNS"), CategoryNetwork, true},
		{"guardduty domain reputation", testSignal("aws_guardduty", "GuardDuty finding", 0, nil, "", "guardduty.type=Impact:Runtime/BitcoinDomainRequest.Reputation"), CategoryNetwork, true},
		{"guardduty miner", testSignal("aws_guardduty", "GuardDuty finding", 0, nil, "", "guardduty.type=Impact:Runtime/CryptoMinerExecuted"), CategoryRuntime, true},
		{"guardduty other network", testSignal("aws_guardduty", "GuardDuty finding", 0, nil, "", "guardduty.type=Recon:EC2/PortProbeUnprotectedPort", "guardduty.action.type=NETWORK_CONNECTION"), CategoryNetwork, false},
		{"guardduty other runtime", testSignal("aws_guardduty", "GuardDuty finding", 0, nil, "", "guardduty.type=Execution:Runtime/NewBinaryExecuted"), CategoryRuntime, false},
		{"cloudtrail", testSignal("aws_cloudtrail", "RunInstances of GPU types", 0, []string{"T1578"}, ""), CategoryControlPlane, false},
		{"cloudtrail tagged T1496", testSignal("aws_cloudtrail", "RunInstances of GPU types", 0, []string{"t1496"}, ""), CategoryControlPlane, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.sig.Category != tc.cat || tc.sig.Mining != tc.mining {
				t.Errorf("category %s, mining %v; want %s, %v", tc.sig.Category, tc.sig.Mining, tc.cat, tc.mining)
			}
		})
	}
}
