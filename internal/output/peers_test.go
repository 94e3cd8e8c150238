package output

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"peregrine/internal/alert"
)

// peer is the real receiver of one kind of sink, for the conformance
// test. A stalled peer takes nothing until release.
type peer interface {
	sink(t *testing.T) Sink
	release()
	// received waits until n lines arrived (or fails the test), shuts the
	// peer down and returns the text of every alert line received, in
	// order.
	received(t *testing.T, n int) []string
}

// kinds are the sinks under the conformance test, each with its peer.
var kinds = []struct {
	name    string
	newPeer func(t *testing.T, stalled bool) peer
}{
	{"stdout", newPipePeer},
	{"file", newFilePeer},
	{"syslog", newSyslogPeer},
	{"program", newProgramPeer},
	{"http", newHTTPPeer},
}

// gate is closed when a stalled peer may go on.
type gate struct {
	once sync.Once
	ch   chan struct{}
}

func newGate(open bool) *gate {
	g := &gate{ch: make(chan struct{})}
	if open {
		g.open()
	}
	return g
}

func (g *gate) open() { g.once.Do(func() { close(g.ch) }) }

// scanLines reads lines from r into log until r ends, once g opens.
func scanLines(g *gate, r io.Reader, log *lineLog, done chan<- struct{}) {
	defer close(done)
	<-g.ch
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		log.add(sc.Text())
	}
}

// pipePeer reads a stdout sink's pipe (an os.Pipe, 64 KiB of buffer).
type pipePeer struct {
	g    *gate
	r, w *os.File
	log  lineLog
	done chan struct{}
}

func newPipePeer(t *testing.T, stalled bool) peer {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &pipePeer{g: newGate(!stalled), r: r, w: w, done: make(chan struct{})}
	go scanLines(p.g, r, &p.log, p.done)
	return p
}

func (p *pipePeer) sink(*testing.T) Sink { return NewStdout(StdoutOptions{W: p.w}) }
func (p *pipePeer) release()             { p.g.open() }

func (p *pipePeer) received(t *testing.T, n int) []string {
	eventually(t, "lines on the pipe", func() bool { return p.log.len() >= n })
	p.w.Close()
	<-p.done
	p.r.Close()
	return p.log.all()
}

// filePeer is a regular file, or a FIFO whose reader stalls.
type filePeer struct {
	path string
	g    *gate
	fifo *os.File
	log  lineLog
	done chan struct{}
}

func newFilePeer(t *testing.T, stalled bool) peer {
	p := &filePeer{path: filepath.Join(t.TempDir(), "events.txt"), g: newGate(!stalled)}
	if stalled {
		if err := syscall.Mkfifo(p.path, 0o600); err != nil {
			t.Fatal(err)
		}
		// Read-write, so that neither side's open waits for the other.
		f, err := os.OpenFile(p.path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		p.fifo, p.done = f, make(chan struct{})
		go scanLines(p.g, f, &p.log, p.done)
	}
	return p
}

func (p *filePeer) sink(t *testing.T) Sink {
	s, err := NewFile(FileOptions{Path: p.path, KeepAlive: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (p *filePeer) release() { p.g.open() }

func (p *filePeer) received(t *testing.T, n int) []string {
	if p.fifo != nil {
		eventually(t, "lines in the FIFO", func() bool { return p.log.len() >= n })
		p.fifo.Close()
		<-p.done
		return p.log.all()
	}
	b, err := os.ReadFile(p.path)
	if err != nil {
		t.Fatal(err)
	}
	return splitLines(string(b))
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// syslogPeer is a local syslog daemon on a unix datagram socket.
type syslogPeer struct {
	path string
	conn *net.UnixConn
	g    *gate
	log  lineLog
	done chan struct{}
}

func newSyslogPeer(t *testing.T, stalled bool) peer {
	path := filepath.Join(t.TempDir(), "log")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	p := &syslogPeer{path: path, conn: c, g: newGate(!stalled), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		<-p.g.ch
		buf := make([]byte, 1<<16)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			m, err := parseSyslog(string(buf[:n]), RFC3164, false)
			if err != nil {
				m.msg = "unparsable: " + err.Error()
			}
			p.log.add(m.msg)
		}
	}()
	return p
}

func (p *syslogPeer) sink(t *testing.T) Sink {
	s, err := NewSyslog(SyslogOptions{Address: p.path, WriteTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (p *syslogPeer) release() { p.g.open() }

func (p *syslogPeer) received(t *testing.T, n int) []string {
	eventually(t, "syslog messages", func() bool { return p.log.len() >= n })
	p.conn.Close()
	<-p.done
	return p.log.all()
}

// programPeer is `sh -c 'cat >> file'`; stalled, the shell waits for a
// file to appear before it starts reading.
type programPeer struct {
	out, rel string
	stalled  bool
}

func newProgramPeer(t *testing.T, stalled bool) peer {
	dir := t.TempDir()
	return &programPeer{out: filepath.Join(dir, "out"), rel: filepath.Join(dir, "go"), stalled: stalled}
}

func (p *programPeer) sink(t *testing.T) Sink {
	cmd := "cat >> '" + p.out + "'"
	if p.stalled {
		cmd = "while [ ! -e '" + p.rel + "' ]; do sleep 0.01; done; " + cmd
	}
	s, err := NewProgram(ProgramOptions{Command: cmd, KeepAlive: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (p *programPeer) release() {
	if p.stalled {
		os.WriteFile(p.rel, nil, 0o600)
	}
}

func (p *programPeer) received(t *testing.T, n int) []string {
	b, err := os.ReadFile(p.out) // the sink waited for the program's exit
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return splitLines(string(b))
}

// httpPeer is an HTTP receiver (Falcosidekick's place); stalled, each
// request waits for the release.
type httpPeer struct {
	srv *httptest.Server
	g   *gate
	log lineLog
}

func newHTTPPeer(t *testing.T, stalled bool) peer {
	p := &httpPeer{g: newGate(!stalled)}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-p.g.ch
		var m struct{ Output string }
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			m.Output = "undecodable: " + err.Error()
		}
		p.log.add(m.Output)
	}))
	return p
}

func (p *httpPeer) sink(t *testing.T) Sink {
	s, err := NewHTTP(HTTPOptions{URL: p.srv.URL, Timeout: time.Minute, Format: Format{JSONOptions: alert.DefaultJSON()}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (p *httpPeer) release() { p.g.open() }

func (p *httpPeer) received(t *testing.T, n int) []string {
	eventually(t, "HTTP requests", func() bool { return p.log.len() >= n })
	p.srv.Close()
	return p.log.all()
}
