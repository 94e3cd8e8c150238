// Command fakeminer is the harmless stand-in for a cryptominer and its
// pool in the cryptomining scenario tests. What it does depends on the
// name it runs under:
//
//	xmrig -o stratum+tcp://HOST:PORT -u WALLET -p x --donate-level 1 -a rx/0
//	    mines for a moment at the fake pool (any other miner name too)
//	stratum-pool -listen HOST:PORT -sessions N
//	    serves the fake pool until N sessions have ended, printing each
//	modprobe msr allow_writes=on (or insmod)
//	    asks the kernel to load a module from an empty file, which it
//	    refuses, as XMRig's MSR tweak would ask it
//	jsonclient HOST:PORT
//	    an ordinary client: sends one ordinary JSON request, reads the reply
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"peregrine/internal/testenv/mining"
)

func main() {
	name := filepath.Base(os.Args[0])
	var err error
	switch name {
	case "stratum-pool":
		err = pool(os.Args[1:])
	case "modprobe", "insmod":
		err = loadModule(os.Args[1:])
	case "jsonclient":
		err = jsonClient(os.Args[1:])
	default:
		err = miner(name, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// miner parses XMRig's options and mines at the pool.
func miner(name string, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	url := fs.String("o", "", "pool URL")
	user := fs.String("u", "", "wallet")
	pass := fs.String("p", "x", "password")
	fs.String("a", "rx/0", "algorithm")
	fs.Int("donate-level", 5, "donation percent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	addr := *url
	if i := strings.Index(addr, "://"); i >= 0 {
		addr = addr[i+3:]
	}
	if addr == "" {
		return fmt.Errorf("no pool: want -o stratum+tcp://HOST:PORT")
	}
	return mining.Mine(mining.MinerConfig{
		Addr: addr, Wallet: *user, Pass: *pass, Agent: "XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0",
		Retry: 10 * time.Second, Hashes: 200000,
	})
}

// pool serves the fake pool until enough sessions have ended.
func pool(args []string) error {
	fs := flag.NewFlagSet("stratum-pool", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:3333", "address")
	sessions := fs.Int("sessions", 1, "sessions to serve before ending")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	p := mining.Serve(ln)
	defer p.Close()
	fmt.Printf("listening %s\n", ln.Addr())
	done, err := p.Wait(*sessions, 60*time.Second)
	if err != nil {
		return err
	}
	for _, s := range done {
		fmt.Println(s)
	}
	return nil
}

// loadModule calls finit_module on an empty file: the kernel refuses it
// (ENOSYS without module support, else an invalid module), but the call
// is made, which is what a detector sees.
func loadModule(args []string) error {
	f, err := os.CreateTemp("", "peregrine-msr-*.ko")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	params := strings.Join(args[min(1, len(args)):], " ")
	p, err := syscall.BytePtrFromString(params)
	if err != nil {
		return err
	}
	_, _, errno := syscall.Syscall(sysFinitModule, f.Fd(), uintptr(unsafe.Pointer(p)), 0)
	fmt.Printf("finit_module(%q): %v\n", params, errno)
	if errno == 0 {
		return fmt.Errorf("finit_module of an empty file succeeded")
	}
	return fmt.Errorf("could not insert module %s: %v", strings.Join(args[:min(1, len(args))], ""), errno)
}

// jsonClient sends one ordinary JSON request and reads the answer.
func jsonClient(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: jsonclient HOST:PORT")
	}
	c, err := net.DialTimeout("tcp", args[0], 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(`{"id":1,"method":"inventory.get","params":{"user":"alice","items":["apples","pears"]}}` + "\n")); err != nil {
		return err
	}
	in := bufio.NewScanner(c)
	if !in.Scan() {
		return fmt.Errorf("no answer from %s: %v", args[0], in.Err())
	}
	fmt.Println(in.Text())
	return nil
}
