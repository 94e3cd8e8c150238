package image

import (
	"bytes"
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

// matcher finds contentMarkers in a stream, including the ones a chunk
// boundary cuts in two: the last longest-marker-minus-one bytes of each
// chunk are searched again in front of the next. One matcher is reused for
// every file; it does not allocate per file.
type matcher struct {
	markers []marker
	pats    [][]byte
	overlap int
	buf     []byte
	found   uint64 // bit i: markers[i] seen
	elf     bool   // the file starts with the ELF magic
}

func newMatcher(ms []marker) *matcher {
	longest := 0
	for _, m := range ms {
		longest = max(longest, len(m.text))
	}
	if len(ms) > 64 {
		panic("image: more than 64 content markers")
	}
	m := &matcher{markers: ms, overlap: longest - 1, buf: make([]byte, longest-1+matchChunk)}
	for _, mk := range ms {
		m.pats = append(m.pats, []byte(mk.text))
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
	keep := 0 // bytes of the previous chunk at the start of buf
	var total int64
	for total < limit {
		want := min(int64(matchChunk), limit-total)
		n, err := fill(r, m.buf[keep:keep+int(want)])
		if n > 0 {
			if total == 0 && n >= 4 && string(m.buf[:4]) == "\x7fELF" {
				m.elf = true
			}
			total += int64(n)
			window := m.buf[:keep+n]
			m.search(window)
			keep = min(m.overlap, len(window))
			copy(m.buf, window[len(window)-keep:])
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

func (m *matcher) search(window []byte) {
	for i, p := range m.pats {
		if m.found&(1<<i) == 0 && bytes.Contains(window, p) {
			m.found |= 1 << i
		}
	}
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
