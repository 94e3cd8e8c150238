package main

import (
	"io"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "peregrine",
		Short: "Runtime security and forensics for Linux hosts, containers and Kubernetes",
		Long: `Peregrine watches what processes do, evaluates Falco-language rules against it,
and raises alerts; around that it gives investigators capture files, container
evidence collection and analysis.

Capture files (.scap, plain or gzip) from sysdig and Falco are read as they are,
and the files Peregrine writes are read by sysdig and Wireshark.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newCaptureCmd(),
		newCloudCmd(),
		newConfigCmd(),
		newEventsCmd(),
		newFieldsCmd(),
		newK8sCmd(),
		newImageCmd(),
		newIncidentsCmd(),
		newForensicsCmd(),
		newReplayCmd(),
		newRulesCmd(),
		newRunCmd(),
		newVersionCmd(),
	)
	return root
}
