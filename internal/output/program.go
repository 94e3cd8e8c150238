package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"peregrine/internal/alert"
)

// ProgramOptions configure a [Program] sink (Falco's program_output).
type ProgramOptions struct {
	Name string // default "program"
	// Command is run by "sh -c"; it reads the alert lines on its
	// standard input.
	Command string
	Format  Format
	// KeepAlive runs one process and feeds it every line, restarting it
	// when it dies (a line that finds no reader is written again to the
	// new process; lines left unread in the pipe by a process that exits
	// are lost with it, counted as sent, as in Falco). Otherwise each
	// alert runs a process of its own and waits for its end, and an exit
	// status other than 0 fails the alert.
	KeepAlive bool
	// Stdout and Stderr receive the program's output (default: none,
	// /dev/null).
	Stdout, Stderr io.Writer
	// StopTimeout is how long Close and Reopen wait for the program to
	// exit once its input is closed, before killing it and its children
	// (default 5 s).
	StopTimeout time.Duration
	// RestartDelay is the wait before the first restart of a program that
	// died (default 100 ms); it doubles, up to a minute, while the program
	// keeps dying within ten seconds of its start.
	RestartDelay time.Duration
}

// Program feeds alert lines to a shell command.
type Program struct {
	name    string
	command string
	fm      *formatter
	keep    bool
	stdout  io.Writer
	stderr  io.Writer
	stopTO  time.Duration
	delay0  time.Duration

	proc    *process // the kept-alive process
	delay   time.Duration
	started time.Time // of proc
	line    []byte
}

// Restart delays of a kept-alive program.
const (
	maxRestartDelay = time.Minute
	stableAfter     = 10 * time.Second // a program that lived this long restarts at once
)

// NewProgram checks o and returns a [Program] sink. The first process
// starts with the first alert.
func NewProgram(o ProgramOptions) (*Program, error) {
	if o.Name == "" {
		o.Name = "program"
	}
	if o.Command == "" {
		return nil, errors.New("program output: no program")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		return nil, fmt.Errorf("program output: %w", err)
	}
	if o.StopTimeout <= 0 {
		o.StopTimeout = 5 * time.Second
	}
	if o.RestartDelay <= 0 {
		o.RestartDelay = 100 * time.Millisecond
	}
	return &Program{name: o.Name, command: o.Command, fm: newFormatter(o.Format), keep: o.KeepAlive,
		stdout: o.Stdout, stderr: o.Stderr, stopTO: o.StopTimeout, delay0: o.RestartDelay}, nil
}

// Name implements [Sink].
func (p *Program) Name() string { return p.name }

// Write implements [Sink].
func (p *Program) Write(ctx context.Context, a *alert.Alert) error {
	p.line = append(p.fm.appendLine(p.line[:0], a), '\n')
	if !p.keep {
		return p.runOnce(ctx)
	}
	for try := 0; ; try++ {
		if p.proc != nil && p.proc.exited() {
			p.proc.stop(p.stopTO)
			p.proc = nil
		}
		if p.proc == nil {
			if err := p.restart(ctx); err != nil {
				return err
			}
		}
		err := p.proc.write(ctx, p.line)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || try > 0 {
			return fmt.Errorf("program output: %w", err)
		}
		// The program died under the write: restart it, write again.
		p.proc.stop(p.stopTO)
		p.proc = nil
	}
}

// restart starts the kept-alive process, after the backoff delay when the
// previous one died soon after its start.
func (p *Program) restart(ctx context.Context) error {
	if !p.started.IsZero() {
		if time.Since(p.started) > stableAfter || p.delay == 0 {
			p.delay = p.delay0
		} else {
			p.delay = min(2*p.delay, maxRestartDelay)
		}
		if wait := p.delay - time.Since(p.started); wait > 0 && !sleep(ctx, wait) {
			return fmt.Errorf("program output: restart: %w", ctx.Err())
		}
	}
	proc, err := startProcess(p.command, p.stdout, p.stderr)
	p.started = time.Now()
	if err != nil {
		return fmt.Errorf("program output: %w", err)
	}
	p.proc = proc
	return nil
}

// runOnce runs one process for the current line and waits for its end.
func (p *Program) runOnce(ctx context.Context) error {
	proc, err := startProcess(p.command, p.stdout, p.stderr)
	if err != nil {
		return fmt.Errorf("program output: %w", err)
	}
	werr := proc.write(ctx, p.line)
	proc.in.Close()
	select {
	case <-proc.done:
	case <-ctx.Done():
		proc.kill()
		<-proc.done
		return fmt.Errorf("program output: %w", ctx.Err())
	}
	if proc.err != nil {
		return fmt.Errorf("program output: %q: %w", p.command, proc.err)
	}
	if werr != nil {
		return fmt.Errorf("program output: %w", werr)
	}
	return nil
}

// Reopen implements [Reopener]: the kept-alive process is stopped (its
// input closed); the next alert starts a new one at once.
func (p *Program) Reopen() error {
	err := p.Close()
	p.started = time.Time{}
	return err
}

// Close implements [Sink]: it closes the process's input and waits for
// it to exit, killing it after StopTimeout.
func (p *Program) Close() error {
	if p.proc == nil {
		return nil
	}
	err := p.proc.stop(p.stopTO)
	p.proc = nil
	if err != nil {
		return fmt.Errorf("program output: %w", err)
	}
	return nil
}

// process is a running "sh -c" and the write end of its standard input.
type process struct {
	cmd  *exec.Cmd
	in   *os.File      // pollable pipe: writes can be interrupted
	done chan struct{} // closed when the process has been waited for
	err  error         // from Wait, read after done
}

func startProcess(command string, stdout, stderr io.Writer) (*process, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("sh", "-c", command)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r, stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // to kill its children too
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	r.Close() // the child has it
	pr := &process{cmd: cmd, in: w, done: make(chan struct{})}
	go func() {
		pr.err = cmd.Wait()
		close(pr.done)
	}()
	return pr, nil
}

func (pr *process) exited() bool {
	select {
	case <-pr.done:
		return true
	default:
		return false
	}
}

// write writes b, giving up when ctx is cancelled.
func (pr *process) write(ctx context.Context, b []byte) error {
	stop := interruptWrites(ctx, pr.in)
	defer stop()
	_, err := pr.in.Write(b)
	return err
}

// kill kills the process group.
func (pr *process) kill() {
	syscall.Kill(-pr.cmd.Process.Pid, syscall.SIGKILL)
}

// stop closes the input and waits for the exit, killing the process
// group after timeout. The error says when it had to be killed.
func (pr *process) stop(timeout time.Duration) error {
	pr.in.Close()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-pr.done:
		return nil
	case <-t.C:
		pr.kill()
		<-pr.done
		return fmt.Errorf("%q did not exit within %v of its input closing: killed", pr.cmd.Args[2], timeout)
	}
}
