package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"peregrine/internal/forensics"
	"peregrine/internal/forensics/image"
)

func newForensicsAuditCmd() *cobra.Command {
	var output, failOn string
	cmd := &cobra.Command{
		Use:   "audit CONTAINER... [--fail-on SEVERITY] [-o text|json]",
		Short: "Rate containers' configurations (privileges, mounts, capabilities, limits)",
		Long: `Inspects each container and rates its configuration:

  CRITICAL  privileged; a container runtime socket mounted; a sensitive host
            path (/, /etc, /proc, /sys, /dev, /root, /var/run ...) mounted
            read-write; every capability added
  HIGH      dangerous capabilities added (SYS_ADMIN, SYS_PTRACE, SYS_MODULE,
            NET_ADMIN, DAC_READ_SEARCH ...); host PID, network, IPC or UTS
            namespace; credential-looking environment variables (names only
            are shown); raw host devices
  MEDIUM    running as root; seccomp, AppArmor or SELinux turned off; no memory
            or pids limit; writable root file system; shared mount propagation
  LOW       default capabilities kept, no-new-privileges not set, no CPU
            limit, ports published on every interface ...

Exits 1 when a container has a finding at or above --fail-on (default high;
"none" never fails).`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError{fmt.Errorf("forensics audit: -o %q: want text or json", output)}
			}
			threshold := forensics.Critical + 1
			if failOn != "none" {
				s, err := forensics.ParseSeverity(failOn)
				if err != nil {
					return usageError{fmt.Errorf("forensics audit: --fail-on: %w", err)}
				}
				threshold = s
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			e, err := forensics.Connect(ctx, "")
			if err != nil {
				return fmt.Errorf("forensics audit: %w", err)
			}
			defer e.Close()
			reports, err := forensics.AuditContainers(ctx, e, args)
			if err != nil {
				return fmt.Errorf("forensics %w", err)
			}
			if err := printAudit(cmd.OutOrStdout(), output, reports); err != nil {
				return err
			}
			var over []string
			for _, r := range reports {
				if r.Highest >= threshold && len(r.Findings) > 0 {
					over = append(over, r.Container)
				}
			}
			if len(over) > 0 {
				return fmt.Errorf("forensics audit: %s: findings at or above %s", strings.Join(over, ", "), threshold)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "report format: text or json")
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "exit 1 at or above this severity: info, low, medium, high, critical or none")
	return cmd
}

// printAudit writes audit reports; what the container's configuration
// names (paths, variables, image) is shown with control characters escaped.
func printAudit(w io.Writer, format string, reports []forensics.AuditReport) error {
	if format == "json" {
		return json.NewEncoder(w).Encode(reports)
	}
	var b strings.Builder
	for i, r := range reports {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "container %s (%.12s, image %s): highest %s, %d finding(s)\n", r.Name, r.ID, image.Printable(r.Image), r.Highest, len(r.Findings))
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "  %-8s  %-18s  %s\n", f.Severity, f.Check, image.Printable(f.Message))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
