// Package mining holds a fake cryptocurrency miner and a fake Stratum
// pool for the cryptomining scenario tests. Both are harmless: the pool
// hands out made-up jobs, the miner hashes for a moment and submits a
// made-up share. They speak enough of the wire protocol (newline
// delimited JSON-RPC over TCP, Bitcoin-style mining.* methods and the
// Monero/XMRig-style login/job/submit) that what a detector sees on the
// wire and in the process table is what a real miner would show.
package mining

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// PoolPorts are TCP ports public mining pools listen on, in the order the
// tests try them for the fake pool.
var PoolPorts = []int{3333, 4444, 5555, 7777, 14444, 45700}

// Session is what the pool saw of one miner's connection.
type Session struct {
	ClientPort int      // the miner's (ephemeral) source port
	Methods    []string // the JSON-RPC methods it called, in order
	Agent      string   // the agent of its login, if any
}

// String formats the session on one line (the standalone pool prints it).
func (s Session) String() string {
	return fmt.Sprintf("session cport=%d methods=%s agent=%q", s.ClientPort, strings.Join(s.Methods, ","), s.Agent)
}

// Pool is a fake Stratum pool serving one listener.
type Pool struct {
	ln       net.Listener
	mu       sync.Mutex
	sessions []Session
	wg       sync.WaitGroup
	done     chan struct{}
}

// Listen opens the pool on the first of ports that is free at host (for
// example "127.0.0.1") and starts serving.
func Listen(host string, ports []int) (*Pool, error) {
	var errs []error
	for _, port := range ports {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(port)))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		return Serve(ln), nil
	}
	return nil, fmt.Errorf("listen for the fake pool on %s: %w", host, errors.Join(errs...))
}

// Serve starts serving Stratum on ln; Close stops it.
func Serve(ln net.Listener) *Pool {
	p := &Pool{ln: ln, done: make(chan struct{})}
	p.wg.Add(1)
	go p.accept()
	return p
}

// Port is the TCP port the pool listens on.
func (p *Pool) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Sessions returns the sessions that have ended so far.
func (p *Pool) Sessions() []Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Session(nil), p.sessions...)
}

// Wait waits up to d until n sessions have ended (a miner's session ends
// when the pool reads its hang-up, a moment after the miner exits) and
// returns them.
func (p *Pool) Wait(n int, d time.Duration) ([]Session, error) {
	deadline := time.Now().Add(d)
	for {
		s := p.Sessions()
		if len(s) >= n {
			return s, nil
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("%d of %d sessions ended within %v", len(s), n, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Close stops listening and waits for the open sessions to end.
func (p *Pool) Close() error {
	close(p.done)
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *Pool) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			s := serveConn(c, p.done)
			p.mu.Lock()
			p.sessions = append(p.sessions, s)
			p.mu.Unlock()
		}()
	}
}

// request is a JSON-RPC call as miners send it.
type request struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// loginParams are the params of an XMRig-style login.
type loginParams struct {
	Login string `json:"login"`
	Pass  string `json:"pass"`
	Agent string `json:"agent"`
}

// serveConn answers one miner until it hangs up or the pool closes.
func serveConn(c net.Conn, done <-chan struct{}) Session {
	s := Session{ClientPort: c.RemoteAddr().(*net.TCPAddr).Port}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-done:
			c.Close()
		case <-stop:
		}
	}()
	defer c.Close()
	in := bufio.NewScanner(c)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			return s
		}
		s.Methods = append(s.Methods, r.Method)
		var replies []string
		switch r.Method {
		case "login":
			var lp loginParams
			_ = json.Unmarshal(r.Params, &lp)
			s.Agent = lp.Agent
			replies = append(replies, fmt.Sprintf(`{"id":%s,"jsonrpc":"2.0","error":null,"result":{"id":"peregrine-session-1","job":%s,"extensions":["algo","keepalive"],"status":"OK"}}`, r.ID, moneroJob))
		case "mining.subscribe":
			replies = append(replies, fmt.Sprintf(`{"id":%s,"result":[[["mining.set_difficulty","d1"],["mining.notify","n1"]],"08000002",4],"error":null}`, r.ID))
		case "mining.authorize":
			replies = append(replies,
				fmt.Sprintf(`{"id":%s,"result":true,"error":null}`, r.ID),
				`{"id":null,"method":"mining.set_difficulty","params":[1024]}`,
				`{"id":null,"method":"mining.notify","params":["j1","00000000000000000000000000000000000000000000000000000000000000aa","01000000","ffffffff",[],"20000000","1705ae3a","6565d6b0",true]}`)
		case "submit", "mining.submit":
			replies = append(replies, fmt.Sprintf(`{"id":%s,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}`, r.ID))
		case "keepalived":
			replies = append(replies, fmt.Sprintf(`{"id":%s,"jsonrpc":"2.0","error":null,"result":{"status":"KEEPALIVED"}}`, r.ID))
		default:
			replies = append(replies, fmt.Sprintf(`{"id":%s,"jsonrpc":"2.0","error":{"code":-1,"message":"unknown method"},"result":null}`, r.ID))
		}
		for _, line := range replies {
			if _, err := c.Write([]byte(line + "\n")); err != nil {
				return s
			}
		}
	}
	return s
}

// moneroJob is a made-up RandomX job (the blob and seed are not real).
const moneroJob = `{"blob":"0e0ef0b3c1a906` + zeros64 + `00000000` + zeros64 + `01","job_id":"peregrine-job-1","target":"b88d0600","algo":"rx/0","height":3100000,"seed_hash":"` + zeros64 + `"}`

const zeros64 = "0000000000000000000000000000000000000000000000000000000000000000"
