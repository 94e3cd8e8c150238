package output_test

import (
	"context"
	"os"
	"time"

	"peregrine/internal/alert"
	"peregrine/internal/output"
)

func Example() {
	stdout := output.NewStdout(output.StdoutOptions{W: os.Stdout})
	outs := output.New(output.Options{}, stdout)
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	outs.Send(&alert.Alert{
		Time: t, Rule: "Shell in container", Priority: alert.PriorityWarning, Source: "syscall",
		Output: "03:04:05.000000000: Warning A shell was spawned in a container (proc.name=bash)",
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := outs.Close(ctx); err != nil { // flushes every sink
		panic(err)
	}
	// Output:
	// 03:04:05.000000000: Warning A shell was spawned in a container (proc.name=bash)
}
