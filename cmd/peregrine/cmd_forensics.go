package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"peregrine/internal/forensics"
	"peregrine/internal/forensics/image"
)

func newForensicsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "forensics",
		Short: "Collect and verify container evidence, audit container configurations",
		Long: `Container forensics against a Docker engine ($DOCKER_HOST, else the default
socket; the API version is negotiated).

  collect  gathers a container's evidence into a hashed, read-only bundle
  verify   re-hashes a bundle and reports changed, missing and extra files
  audit    rates a container's configuration (privileged, sockets, capabilities ...)`,
	}
	cmd.AddCommand(newForensicsCollectCmd(), newForensicsVerifyCmd(), newForensicsAuditCmd())
	return cmd
}

func newForensicsCollectCmd() *cobra.Command {
	var opt forensics.Options
	var output string
	cmd := &cobra.Command{
		Use:   "collect CONTAINER... --case ID --out DIR [--pause] [--no-export] [--no-image] [-o text|json]",
		Short: "Collect a container's evidence into a bundle with chain of custody",
		Long: `Collects the evidence of running or stopped containers in order of volatility:
the engine's version and info, the processes (docker top, then the host's
/proc/<pid>/ of every process: cmdline, environ, status, maps, open descriptors,
sockets, and the program's bytes, even when deleted from disk), the container's
and image's inspect documents, networks, mounts and volumes, the host's
container list, file system changes, logs with timestamps, the exported file
system and the saved image with its history.

Nothing is run inside the containers. Every file is hashed (SHA-256) as it is
written; the bundle holds manifest.json, SHA256SUMS (for sha256sum -c) and an
append-only, hash-chained custody.log, and is made read-only at the end.
--pause pauses the containers while collecting and unpauses them after, even
on error. Artifacts that fail are recorded and the rest is collected; the exit
status is then 1.`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError{fmt.Errorf("forensics collect: -o %q: want text or json", output)}
			}
			if opt.Case == "" || opt.Out == "" {
				return usageError{errors.New("forensics collect: --case and --out are required")}
			}
			opt.ToolVersion = version
			if isTerminal(cmd.ErrOrStderr()) {
				opt.Progress = cmd.ErrOrStderr()
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			e, err := forensics.Connect(ctx, "")
			if err != nil {
				return fmt.Errorf("forensics collect: %w", err)
			}
			defer e.Close()
			start := time.Now()
			res, err := forensics.Collect(ctx, e, args, opt)
			if res == nil {
				return fmt.Errorf("forensics %w", err)
			}
			if perr := printCollect(cmd.OutOrStdout(), output, res, time.Since(start)); perr != nil {
				return perr
			}
			if err != nil {
				return fmt.Errorf("forensics %w", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.Case, "case", "", "case identifier recorded in the manifest and custody log (required)")
	f.StringVar(&opt.Out, "out", "", "bundle directory: created, or existing and empty (required)")
	f.BoolVar(&opt.Pause, "pause", false, "pause running containers while collecting (unpaused after, always)")
	f.BoolVar(&opt.NoExport, "no-export", false, "do not export the container's file system")
	f.BoolVar(&opt.NoImage, "no-image", false, "do not save the container's image and its history")
	f.StringVarP(&output, "output", "o", "text", "summary format: text or json")
	return cmd
}

// collectSummary is the JSON summary of a collection.
type collectSummary struct {
	Bundle     string                     `json:"bundle"`
	Case       string                     `json:"case"`
	Complete   bool                       `json:"complete"`
	Containers []forensics.ContainerEntry `json:"containers"`
	Artifacts  int                        `json:"artifacts"`
	Bytes      int64                      `json:"bytes"`
	Seconds    float64                    `json:"seconds"`
	Failures   []string                   `json:"failures"`
}

// printCollect writes the summary of a collection.
func printCollect(w io.Writer, format string, res *forensics.Result, took time.Duration) error {
	m := &res.Manifest
	s := collectSummary{Bundle: res.Dir, Case: m.Case, Complete: len(res.Failures) == 0,
		Containers: m.Containers, Artifacts: len(m.Artifacts), Bytes: res.Bytes(), Seconds: took.Seconds(),
		Failures: append([]string{}, res.Failures...)}
	if format == "json" {
		return json.NewEncoder(w).Encode(s)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "case %s: %d container(s), %d artifacts, %s in %s (%.1fs)\n",
		s.Case, len(s.Containers), s.Artifacts, image.HumanBytes(s.Bytes), s.Bundle, s.Seconds)
	for _, c := range s.Containers {
		procs := 0
		for _, a := range m.Artifacts {
			if strings.HasPrefix(a.Path, c.Dir+"/proc/") && strings.HasSuffix(a.Path, "/status") {
				procs++
			}
		}
		paused := ""
		if c.Paused {
			paused = ", paused during collection"
		}
		fmt.Fprintf(&b, "  %s (%.12s) %s, %d process(es)%s -> %s\n", c.Name, c.ID, c.State, procs, paused, c.Dir)
	}
	if len(s.Failures) > 0 {
		fmt.Fprintf(&b, "%d failure(s), recorded in manifest.json and custody.log:\n", len(s.Failures))
		for _, f := range s.Failures {
			fmt.Fprintf(&b, "  %s\n", image.Printable(f))
		}
	}
	fmt.Fprintf(&b, "verify: peregrine forensics verify %s   (or: cd %s && sha256sum -c %s)\n", s.Bundle, s.Bundle, forensics.SumsFile)
	_, err := io.WriteString(w, b.String())
	return err
}

// usageArgs makes an argument check's error a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{fmt.Errorf("%s: %w", cmd.CommandPath(), err)}
		}
		return nil
	}
}

// isTerminal reports whether w is a terminal: a file that answers the
// terminal's ioctl (a character device such as /dev/null is not one).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
