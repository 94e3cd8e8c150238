package image

import (
	"errors"
	"io"
)

// markerKind groups content markers by what they suggest.
type markerKind uint8

const (
	kindStratum markerKind = iota // a mining pool protocol URI or method
	kindXMRig                     // XMRig's own options and hosts
	kindPool                      // a mining pool's domain
	kindKey                       // a PEM private key
	numKinds
)

// marker is a byte string whose presence in a file means something.
type marker struct {
	text string
	kind markerKind
}

// contentMarkers are searched for in every regular file (up to the scan
// cap). Sources: the Stratum URI schemes Falco and Sigma look for, XMRig's
// options and donation hosts, Sigma's base64 forms of both, and pool
// domains from Falco's miner_domains list.
var contentMarkers = []marker{
	{"stratum+tcp://", kindStratum},
	{"stratum+ssl://", kindStratum},
	{"stratum+udp://", kindStratum},
	{"stratum1+tcp://", kindStratum},
	{"stratum2+tcp://", kindStratum},
	{"stratum2+ssl://", kindStratum},
	{"mining.subscribe", kindStratum},
	{"c3RyYXR1bSt0Y3A6Ly", kindStratum},
	{"N0cmF0dW0rdGNwOi8v", kindStratum},
	{"zdHJhdHVtK3RjcDovL", kindStratum},
	{"donate-level", kindXMRig},
	{"donate.v2.xmrig.com", kindXMRig},
	{"donate.ssl.xmrig.com", kindXMRig},
	{"XMRig/", kindXMRig},
	{"xmrig.com", kindXMRig},
	{"randomx-no-numa", kindXMRig},
	{"LS1kb25hdGUtbGV2ZWw9", kindXMRig},
	{"0tZG9uYXRlLWxldmVsP", kindXMRig},
	{"tLWRvbmF0ZS1sZXZlbD", kindXMRig},
	{"supportxmr.com", kindPool},
	{"moneroocean.stream", kindPool},
	{"nanopool.org", kindPool},
	{"hashvault.pro", kindPool},
	{"2miners.com", kindPool},
	{"c3pool.com", kindPool},
	{"unmineable.com", kindPool},
	{"minexmr.com", kindPool},
	{"herominers.com", kindPool},
	{"xmrpool.eu", kindPool},
	{"minergate.com", kindPool},
	{"f2pool.com", kindPool},
	{"ethermine.org", kindPool},
	{"antpool.com", kindPool},
	{"nicehash.com", kindPool},
	{"dwarfpool.com", kindPool},
	{"crypto-pool.fr", kindPool},
	{"PRIVATE KEY-----", kindKey},
}

// matchChunk is how many bytes the matcher reads at a time.
const matchChunk = 64 << 10

// matcher finds contentMarkers in a stream in one pass with an
// Aho-Corasick automaton compiled to a full transition table: the state
// carries over from one chunk to the next, so a marker cut by a chunk
// boundary is found like any other. One matcher is reused for every file;
// scanning does not allocate.
type matcher struct {
	markers []marker
	next    []uint16 // next[state<<8|byte]
	out     []uint64 // markers that end in a state (bit i: markers[i])
	accept  uint16   // states from accept on end a marker
	buf     []byte
	found   uint64 // bit i: markers[i] seen in the current file
	elf     bool   // the current file starts with the ELF magic
}

func newMatcher(ms []marker) *matcher {
	if len(ms) > 64 {
		panic("image: more than 64 content markers")
	}
	// the trie: goto edges, -1 for none
	type state struct {
		edge [256]int32
		fail int32
		out  uint64
	}
	newState := func() state {
		var s state
		for i := range s.edge {
			s.edge[i] = -1
		}
		return s
	}
	states := []state{newState()}
	for i, m := range ms {
		s := int32(0)
		for _, c := range []byte(m.text) {
			if states[s].edge[c] < 0 {
				states = append(states, newState())
				states[s].edge[c] = int32(len(states) - 1)
			}
			s = states[s].edge[c]
		}
		states[s].out |= 1 << i
	}
	if len(states) > 1<<16 {
		panic("image: content markers too long")
	}
	// breadth first: failure links, then every missing edge follows the
	// failure link's edge
	queue := []int32{}
	for c := range 256 {
		if t := states[0].edge[c]; t > 0 {
			states[t].fail = 0
			queue = append(queue, t)
		} else {
			states[0].edge[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for c := range 256 {
			t := states[s].edge[c]
			if t < 0 {
				states[s].edge[c] = states[states[s].fail].edge[c]
				continue
			}
			states[t].fail = states[states[s].fail].edge[c]
			states[t].out |= states[states[t].fail].out
			queue = append(queue, t)
		}
	}
	// number the states that end a marker last, so that scanning tests a
	// state against accept instead of loading its markers for every byte
	id := make([]int, len(states))
	n := 0
	for pass := range 2 {
		for i, st := range states {
			if (st.out != 0) == (pass == 1) {
				id[i] = n
				n++
			}
		}
		if pass == 0 {
			n = max(n, 1) // the root stays 0: it never ends a marker
		}
	}
	m := &matcher{markers: ms, next: make([]uint16, len(states)*256), out: make([]uint64, len(states)), buf: make([]byte, matchChunk)}
	m.accept = uint16(len(states))
	for i, st := range states {
		m.out[id[i]] = st.out
		if st.out != 0 {
			m.accept = min(m.accept, uint16(id[i]))
		}
		for c, t := range st.edge {
			m.next[id[i]<<8|c] = uint16(id[t])
		}
	}
	return m
}

// fill reads into b until it is full or r fails; io.EOF means r ended.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := r.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// scan reads at most limit bytes of r and records the markers seen. It
// returns how many bytes it read.
func (m *matcher) scan(r io.Reader, limit int64) (int64, error) {
	m.found, m.elf = 0, false
	state := uint16(0)
	var total int64
	for total < limit {
		want := min(int64(len(m.buf)), limit-total)
		n, err := fill(r, m.buf[:want])
		if n > 0 {
			if total == 0 && n >= 4 && string(m.buf[:4]) == "\x7fELF" {
				m.elf = true
			}
			total += int64(n)
			state = m.run(state, m.buf[:n])
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// run feeds b to the automaton from state and returns the state after it.
func (m *matcher) run(state uint16, b []byte) uint16 {
	next, out, accept := m.next, m.out, m.accept
	found := m.found
	for _, c := range b {
		state = next[int(state)<<8|int(c)]
		if state >= accept {
			found |= out[state]
		}
	}
	m.found = found
	return state
}

// kinds returns which kinds of markers were seen and the texts of those
// seen, in table order.
func (m *matcher) kinds() (seen [numKinds]bool, texts []string) {
	for i, mk := range m.markers {
		if m.found&(1<<i) != 0 {
			seen[mk.kind] = true
			texts = append(texts, mk.text)
		}
	}
	return seen, texts
}
