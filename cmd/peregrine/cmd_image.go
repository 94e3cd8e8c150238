package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"peregrine/internal/forensics/image"
)

func newImageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Analyse container images saved with docker save",
	}
	cmd.AddCommand(newImageAnalyzeCmd())
	return cmd
}

func newImageAnalyzeCmd() *cobra.Command {
	var (
		output string
		opt    image.Options
	)
	cmd := &cobra.Command{
		Use:   "analyze IMAGE.tar|DIR [-o text|json|html]",
		Short: "Report an image's layers, history, configuration and suspicious files",
		Long: `Analyze reads an image saved with "docker save" (the legacy layout with
manifest.json or the OCI layout with index.json; a tar file or the directory
it was extracted to), verifies the digest of every blob it reads, applies
the layers in order with their whiteouts, and reports the image, its layers
and the build steps that made them, its effective configuration, and
findings with a severity: miner programs (by name and by content such as
stratum URIs and XMRig markers), setuid and setgid files, world-writable
files, executables in /tmp, /var/tmp, /dev/shm or hidden directories,
secrets in the environment, labels, command and build history (redacted),
files deleted or replaced by a later layer that an earlier one still holds,
and running as root.

Nothing is extracted or written: the archive is read in place.`,
		Example: `  docker save -o app.tar app:1.2
  peregrine image analyze app.tar
  peregrine image analyze app.tar -o json > app.json
  peregrine image analyze app.tar -o html > app.html`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("image analyze: want one IMAGE.tar or DIR, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch output {
			case "text", "json", "html":
			default:
				return usageError{fmt.Errorf("image analyze: -o %q: want text, json or html", output)}
			}
			r, err := image.Analyze(args[0], opt)
			if err != nil {
				return fmt.Errorf("image analyze: %w", err)
			}
			w := cmd.OutOrStdout()
			switch output {
			case "json":
				return image.WriteJSON(w, r)
			case "html":
				return image.WriteHTML(w, r)
			}
			return image.WriteText(w, r)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "text", "output format: text, json or html")
	f.StringVar(&opt.Ref, "image", "", "the image to analyse (a tag) when the archive holds several")
	f.Int64Var(&opt.MaxScanBytes, "scan-limit", 64<<20, "content bytes scanned per file")
	f.Int64Var(&opt.MaxLayerBytes, "max-layer-size", 64<<30, "uncompressed bytes allowed per layer")
	return cmd
}
