package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestProgram feeds `sh -c 'cat >> file'` in both modes.
func TestProgram(t *testing.T) {
	for _, keep := range []bool{true, false} {
		name := "per alert"
		if keep {
			name = "keep alive"
		}
		t.Run(name, func(t *testing.T) {
			leak := noLeak(t)
			dir := t.TempDir()
			out, starts := filepath.Join(dir, "out"), filepath.Join(dir, "starts")
			s, err := NewProgram(ProgramOptions{Command: "echo started >> " + starts + "; cat >> " + out, KeepAlive: keep})
			if err != nil {
				t.Fatal(err)
			}
			o := New(Options{DropReportInterval: -1}, s)
			const n = 40
			var want []string
			for i := range n {
				a := testAlert(i)
				want = append(want, a.Output)
				o.Send(a)
			}
			if err := o.Close(closeCtx(t)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, readLines(t, out)); diff != "" {
				t.Errorf("program's file (-want +got):\n%s", diff)
			}
			wantStarts := 1
			if !keep {
				wantStarts = n
			}
			if got := len(readLines(t, starts)); got != wantStarts {
				t.Errorf("%d processes, want %d", got, wantStarts)
			}
			if st := o.Stats()[0]; st.Sent != n || st.Lost() != 0 {
				t.Errorf("stats %+v", st)
			}
			leak()
		})
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return splitLines(string(b))
}

// TestProgramRestart: a kept-alive program that exits after each line is
// restarted for the next one; nothing is lost.
func TestProgramRestart(t *testing.T) {
	dir := t.TempDir()
	out, starts := filepath.Join(dir, "out"), filepath.Join(dir, "starts")
	// It closes its input before it writes the line, so that once the
	// line is there, a new write finds no reader (EPIPE) rather than a
	// pipe about to be dropped with what is in it.
	s, err := NewProgram(ProgramOptions{Command: "echo started >> " + starts + "; read -r line; exec 0<&-; echo \"$line\" >> " + out,
		KeepAlive: true, RestartDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	o := New(Options{DropReportInterval: -1}, s)
	const n = 5
	for i := range n {
		// One at a time: a line written to a program that is about to
		// exit without reading it is lost with the pipe.
		o.Send(testAlert(i))
		eventually(t, "the line", func() bool { b, _ := os.ReadFile(out); return strings.Count(string(b), "\n") == i+1 })
	}
	if err := o.Close(closeCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := len(readLines(t, starts)); got != n {
		t.Errorf("%d processes, want %d", got, n)
	}
	if st := o.Stats()[0]; st.Sent != n || st.Lost() != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestProgramReopen: SIGUSR1's Reopen restarts a kept-alive program.
func TestProgramReopen(t *testing.T) {
	dir := t.TempDir()
	out, starts := filepath.Join(dir, "out"), filepath.Join(dir, "starts")
	s, err := NewProgram(ProgramOptions{Command: "echo started >> " + starts + "; cat >> " + out, KeepAlive: true})
	if err != nil {
		t.Fatal(err)
	}
	o := New(Options{DropReportInterval: -1}, s)
	o.Send(testAlert(1))
	eventually(t, "the first line", func() bool { b, _ := os.ReadFile(out); return len(b) > 0 })
	o.Reopen()
	o.Send(testAlert(2))
	if err := o.Close(closeCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := len(readLines(t, starts)); got != 2 {
		t.Errorf("%d processes, want 2", got)
	}
	if got := readLines(t, out); len(got) != 2 || alertIndex(got[1]) != 2 {
		t.Errorf("lines %q", got)
	}
}

// TestProgramFailures: a per-alert program that exits with a status
// fails its alert; a program that ignores the end of its input is killed
// at Close.
func TestProgramFailures(t *testing.T) {
	s, err := NewProgram(ProgramOptions{Command: "cat > /dev/null; exit 3"})
	if err != nil {
		t.Fatal(err)
	}
	o := New(Options{DropReportInterval: -1}, s)
	o.Send(testAlert(1))
	eventually(t, "the failure", func() bool { return o.Stats()[0].Failed == 1 })
	o.Close(closeCtx(t))

	leak := noLeak(t)
	s, err = NewProgram(ProgramOptions{Command: "cat > /dev/null; sleep 1000", KeepAlive: true, StopTimeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	o = New(Options{DropReportInterval: -1}, s)
	o.Send(testAlert(1))
	err = o.Close(closeCtx(t))
	if err == nil || !strings.Contains(err.Error(), "did not exit within 10ms of its input closing: killed") {
		t.Errorf("Close: %v, want the program killed", err)
	}
	leak()

	if _, err := NewProgram(ProgramOptions{}); err == nil || err.Error() != "program output: no program" {
		t.Errorf("NewProgram without a command: %v", err)
	}
}
