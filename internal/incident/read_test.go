package incident

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadErrors(t *testing.T) {
	good := `{"hostname":"h","output":"o","output_fields":{"container.id":"3f2a9c1b7d4e"},"priority":"Critical","rule":"Crypto miner launched","source":"syscall","tags":["T1496"],"time":"2026-03-24T10:00:00.000000000Z"}`
	for _, tc := range []struct {
		name  string
		input string
		rules []string
		errs  []string
	}{
		{"lines: bad ones named, the rest read", good + "\n\nnot json\n" +
			`{"rule":"r","time":"yesterday"}` + "\n" + `{"time":"2026-03-24T10:00:00Z"}` + "\n" + good,
			[]string{"Crypto miner launched", "Crypto miner launched"},
			[]string{"in:3: alert: invalid character 'o' in literal null (expecting 'u')",
				`in:4: alert "r": time: parsing time "yesterday" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "yesterday" as "2006"`,
				"in:5: alert: no rule"}},
		{"cost report: a bad date named by its index", "{\n" + `"findings":[{"severity":"high","kind":"spike","date":"24/03/2026"},` +
			`{"severity":"low","kind":"new_region","date":"2026-03-24","account":"1","region":"r","resource_ids":["arn:aws:ec2:r:1:instance/i-0123456789abcdef0","i-0123456789abcdef0"]}]}`,
			[]string{"Cost new region"},
			[]string{`in:findings[0]: date: parsing time "24/03/2026" as "2006-01-02": cannot parse "24/03/2026" as "2006"`}},
		{"cost report: not JSON", "{\n  \"findings\": [", nil, []string{"in: cost report: unexpected end of JSON input"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sigs, errs := Read("in", []byte(tc.input))
			var rules, msgs []string
			for _, s := range sigs {
				rules = append(rules, s.Rule)
			}
			for _, e := range errs {
				msgs = append(msgs, e.Error())
			}
			if d := cmp.Diff(tc.rules, rules, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("signals (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.errs, msgs, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
		})
	}
	lists := `{"output_fields":{"guardduty.container.id":["3f2a9c1b7d4e8a6f0e5d4c3b2a190817263544536271809a8b7c6d5e4f3a2b1c","9a8b7c6d5e4f"],"guardduty.container.image":[],"ec2.imageids":null},"rule":"r","source":"aws_guardduty","time":"2026-03-24T10:00:00Z"}`
	sigs, _ := Read("in", []byte(lists))
	if want := []Key{{KindContainer, "3f2a9c1b7d4e"}, {KindContainer, "9a8b7c6d5e4f"}}; len(sigs) != 1 || !cmp.Equal(want, sigs[0].Keys) {
		t.Errorf("list fields read as %+v", sigs)
	}
	sigs, _ = Read("in", []byte("{\n"+`"findings":[{"severity":"critical","kind":"spike","date":"2026-03-24","end_date":"2026-03-25","account":"1","region":"r","resource_ids":["arn:aws:ec2:r:1:instance/i-0123456789abcdef0","i-0123456789abcdef0"]}]}`))
	want := []Key{{KindAccount, "1/r"}, {KindInstance, "i-0123456789abcdef0"}}
	if len(sigs) != 1 || !cmp.Equal(want, sigs[0].Keys) || sigs[0].Priority != "Critical" || sigs[0].Category != CategoryCost ||
		sigs[0].End.Format("2006-01-02T15:04") != "2026-03-25T23:59" {
		t.Errorf("cost finding read as %+v", sigs)
	}
}

// BenchmarkCorrelate reads and correlates alert lines: many miners, each
// with launch, pool connection, Stratum and CPU alerts, and GuardDuty
// findings naming their container, plus unrelated alerts.
func BenchmarkCorrelate(b *testing.B) {
	var sb strings.Builder
	n := 0
	for m := 0; m < 500; m++ {
		cid := fmt.Sprintf("%012x", 0xa00000000000+m)
		for k, rule := range []string{"Crypto miner launched", "Outbound connection to crypto mining pool port", "Stratum mining protocol sent", "Terminal shell in container"} {
			c := cid
			if k == 3 {
				c = fmt.Sprintf("%012x", 0xb00000000000+m)
			}
			fmt.Fprintf(&sb, `{"hostname":"web-%d","output":"10:00:00.000000000: Critical %s (container_id=%s)","output_fields":{"container.id":%q,"container.image.repository":"app/%d","fd.sip":"203.0.%d.%d","fd.sport":3333,"proc.cmdline":"xmrig -o stratum+tcp://pool%d.supportxmr.com:3333 --donate-level 1","proc.name":"xmrig"},"priority":"Critical","rule":%q,"source":"syscall","tags":["container","cryptomining","T1496"],"time":"2026-03-24T10:%02d:%02d.000000000Z"}`+"\n",
				m%7, rule, c, c, m, m/250, m%250, m, rule, m%60, k)
			n++
		}
		fmt.Fprintf(&sb, `{"hostname":"laptop","output":"finding","output_fields":{"guardduty.type":"Impact:Runtime/CryptoMinerExecuted","guardduty.container.id":"%s","guardduty.instance.id":"i-%017x","guardduty.account":"111122223333","guardduty.region":"us-east-1"},"priority":"Critical","rule":"GuardDuty finding","source":"aws_guardduty","tags":["T1496"],"time":"2026-03-24T11:00:00.000000000Z"}`+"\n",
			cid+"0000000000000000000000000000000000000000000000000000", m)
		n++
	}
	data := []byte(sb.String())
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cpu0 := processCPU(b)
	for i := 0; i < b.N; i++ {
		sigs, errs := Read("bench", data)
		if len(errs) > 0 || len(sigs) != n {
			b.Fatalf("%d signals, %v", len(sigs), errs)
		}
		rep := Correlate(sigs, errs, Options{})
		if len(rep.Incidents) != 500 {
			b.Fatalf("%d incidents, want 500", len(rep.Incidents))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "signals/s")
	if cpu := processCPU(b) - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "signals/cpu-s")
	}
}

// processCPU is the CPU time the test process has used (user and system,
// every thread, the collector's included): a rate per CPU second stays put
// when other work shares the machine, a wall-clock rate does not.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
