package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"peregrine/internal/incident"
)

// newIncidentsCmd is `peregrine incidents [--window D] [-o text|json|html] FILE...|-`.
func newIncidentsCmd() *cobra.Command {
	var (
		output string
		opt    incident.Options
	)
	cmd := &cobra.Command{
		Use:   "incidents [--window 24h] [-o text|json|html] FILE...|-",
		Short: "Correlate alerts of every source and cost findings into cryptomining incidents",
		Long: `Reads alerts as JSON lines (as 'peregrine run -o json' and 'peregrine replay -o json'
print them, from any source: syscall, aws_cloudtrail, aws_guardduty, compute) and cost
reports of 'peregrine cloud cost -o json', and groups the signals that point to the same
resource (instance, container, image, access key, principal, pool domain or address)
within the window into incidents. Each cryptomining incident is reported with a
confidence, the categories of evidence present (cost, compute, network, runtime) and
absent, control-plane context, the resources, a timeline and the response steps for each
resource. "-" reads standard input.

Lines that cannot be read are reported on stderr with file:line, the rest is correlated,
and the exit status is 1.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("incidents: name the alert and cost files to read (- for standard input)")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" && output != "html" {
				return usageError{fmt.Errorf("incidents: -o %q: want text, json or html", output)}
			}
			if opt.Window <= 0 {
				return usageError{fmt.Errorf("incidents: --window %s: want a positive duration", opt.Window)}
			}
			var (
				sigs []incident.Signal
				errs []error
			)
			for _, name := range args {
				data, err := readIncidentInput(cmd.InOrStdin(), name)
				if err != nil {
					return fmt.Errorf("incidents: %w", err)
				}
				if name == "-" {
					name = "stdin"
				}
				s, e := incident.Read(name, data)
				sigs, errs = append(sigs, s...), append(errs, e...)
			}
			rep := incident.Correlate(sigs, errs, opt)
			for _, e := range rep.Errors {
				fmt.Fprintf(cmd.ErrOrStderr(), "peregrine: incidents: %s\n", e)
			}
			var err error
			switch output {
			case "json":
				err = rep.WriteJSON(cmd.OutOrStdout())
			case "html":
				err = rep.WriteHTML(cmd.OutOrStdout())
			default:
				err = rep.WriteText(cmd.OutOrStdout())
			}
			if err != nil {
				return fmt.Errorf("incidents: write: %w", err)
			}
			if len(rep.Errors) > 0 {
				return fmt.Errorf("incidents: %d records skipped", len(rep.Errors))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "text", "output format: text, json or html")
	f.DurationVar(&opt.Window, "window", incident.DefaultWindow, "longest pause between signals of one resource within an incident")
	f.BoolVar(&opt.All, "all", false, "also report groups that are not cryptomining incidents")
	return cmd
}

// readIncidentInput reads a named file, or stdin for "-".
func readIncidentInput(stdin io.Reader, name string) ([]byte, error) {
	if name == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	return data, nil
}
