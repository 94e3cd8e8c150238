package mining

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestMineAtPool runs the miner against the pool in this process: the
// pool sees the whole session, and answers unknown methods with an error
// instead of hanging up.
func TestMineAtPool(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := Serve(ln)
	defer p.Close()
	tests := []struct {
		name    string
		cfg     MinerConfig
		wantErr string
		want    Session
	}{
		{
			name: "session",
			cfg:  MinerConfig{Addr: ln.Addr().String(), Wallet: "4wallet", Pass: "x", Agent: "XMRig/6.21.0", Hashes: 1000},
			want: Session{Methods: []string{"login", "mining.subscribe", "mining.authorize", "submit"}, Agent: "XMRig/6.21.0"},
		},
		{
			name:    "no pool",
			cfg:     MinerConfig{Addr: "127.0.0.1:1", Wallet: "4wallet", Retry: 100 * time.Millisecond},
			wantErr: "connect to pool 127.0.0.1:1",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(p.Sessions())
			err := Mine(tc.cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Mine: %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Wait(before+1, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			s := got[before]
			if s.ClientPort == 0 {
				t.Errorf("client port 0")
			}
			s.ClientPort = 0
			if diff := cmp.Diff(tc.want, s); diff != "" {
				t.Errorf("session (-want +got):\n%s", diff)
			}
		})
	}
}

// TestListenFallsBack checks the pool takes the next port of the list
// when the first is taken.
func TestListenFallsBack(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	freePort := free.Addr().(*net.TCPAddr).Port
	free.Close()
	p, err := Listen("127.0.0.1", []int{taken.Addr().(*net.TCPAddr).Port, freePort})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Port() != freePort {
		t.Errorf("port %d, want %d", p.Port(), freePort)
	}
}
