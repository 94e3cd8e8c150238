package mining

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"time"
)

// MinerConfig is what the fake miner needs to know.
type MinerConfig struct {
	Addr   string        // the pool, host:port
	Wallet string        // the login (a wallet address)
	Pass   string        // the password, usually "x"
	Agent  string        // e.g. "XMRig/6.21.0"
	Retry  time.Duration // how long to retry a refused connection
	Hashes int           // hashes to compute before the share is submitted
}

// Mine runs one short mining session: XMRig's login (answered with a job),
// then Bitcoin-style mining.subscribe and mining.authorize (answered with
// a mining.notify), some hashing, a submit, and the end. Every request is
// written with a single write, as miners do.
func Mine(cfg MinerConfig) error {
	c, err := dialRetry(cfg.Addr, cfg.Retry)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	in := bufio.NewScanner(c)
	call := func(msg string) error {
		if _, err := c.Write([]byte(msg + "\n")); err != nil {
			return fmt.Errorf("send to pool %s: %w", cfg.Addr, err)
		}
		return nil
	}
	// until reads replies until one whose "method" or "id" is as wanted.
	until := func(what string, match func(id json.RawMessage, method string) bool) error {
		for in.Scan() {
			var r struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
			}
			if err := json.Unmarshal(in.Bytes(), &r); err != nil {
				return fmt.Errorf("reply from pool %s: %w", cfg.Addr, err)
			}
			if match(r.ID, r.Method) {
				return nil
			}
		}
		return fmt.Errorf("pool %s hung up before %s: %v", cfg.Addr, what, in.Err())
	}
	reply := func(id string) func(json.RawMessage, string) bool {
		return func(got json.RawMessage, _ string) bool { return string(got) == id }
	}

	login := fmt.Sprintf(`{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":%q,"pass":%q,"agent":%q}}`, cfg.Wallet, cfg.Pass, cfg.Agent)
	if err := call(login); err != nil {
		return err
	}
	if err := until("the login's job", reply("1")); err != nil {
		return err
	}
	if err := call(fmt.Sprintf(`{"id":2,"method":"mining.subscribe","params":[%q]}`, cfg.Agent)); err != nil {
		return err
	}
	if err := until("the subscription", reply("2")); err != nil {
		return err
	}
	if err := call(fmt.Sprintf(`{"id":3,"method":"mining.authorize","params":[%q,%q]}`, cfg.Wallet, cfg.Pass)); err != nil {
		return err
	}
	if err := until("mining.notify", func(_ json.RawMessage, m string) bool { return m == "mining.notify" }); err != nil {
		return err
	}
	nonce := burn(cfg.Hashes)
	submit := fmt.Sprintf(`{"id":4,"jsonrpc":"2.0","method":"submit","params":{"id":"peregrine-session-1","job_id":"peregrine-job-1","nonce":"%08x","result":"%064x"}}`, nonce, nonce)
	if err := call(submit); err != nil {
		return err
	}
	return until("the share's answer", reply("4"))
}

// dialRetry connects to addr, retrying a refused connection for up to
// retry (the pool may still be starting).
func dialRetry(addr string, retry time.Duration) (net.Conn, error) {
	deadline := time.Now().Add(retry)
	for {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("connect to pool %s: %w", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// burn hashes n times (a little CPU, as a miner spends it) and returns the
// nonce of the smallest hash.
func burn(n int) uint32 {
	var buf [8]byte
	best, bestNonce := ^uint64(0), uint32(0)
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint32(buf[:4], uint32(i))
		h := sha256.Sum256(buf[:])
		if v := binary.BigEndian.Uint64(h[:8]); v < best {
			best, bestNonce = v, uint32(i)
		}
	}
	return bestNonce
}
