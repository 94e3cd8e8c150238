package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"peregrine/internal/forensics"
	"peregrine/internal/forensics/image"
)

func newForensicsVerifyCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "verify DIR [-o text|json]",
		Short: "Re-hash an evidence bundle and report any change",
		Long: `Re-reads every file of a bundle made by "peregrine forensics collect" and
compares it with manifest.json and SHA256SUMS: files changed, missing, or not
listed (extra), disagreements between the two lists, a broken custody log
chain, and a manifest or SHA256SUMS that is not the one the custody log
sealed. Exits 1 unless the bundle is exactly as collected.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError{fmt.Errorf("forensics verify: -o %q: want text or json", output)}
			}
			r, err := forensics.Verify(args[0])
			if err != nil {
				return fmt.Errorf("forensics %w", err)
			}
			if err := printVerify(cmd.OutOrStdout(), output, r); err != nil {
				return err
			}
			if !r.OK() {
				return fmt.Errorf("forensics verify %s: bundle does not match its manifest (%d changed, %d missing, %d extra, %d problems)",
					r.Dir, len(r.Changed), len(r.Missing), len(r.Extra), len(r.Problems))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "report format: text or json")
	return cmd
}

// printVerify writes a verification report; names from the bundle are
// shown with their control characters escaped.
func printVerify(w io.Writer, format string, r *forensics.VerifyReport) error {
	if format == "json" {
		return json.NewEncoder(w).Encode(struct {
			*forensics.VerifyReport
			OK bool `json:"ok"`
		}{r, r.OK()})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "bundle %s (case %s): %d artifacts re-hashed\n", image.Printable(r.Dir), image.Printable(r.Case), r.Checked)
	for _, c := range r.Changed {
		fmt.Fprintf(&b, "CHANGED  %s: sha256 %s (manifest %s), %d bytes (manifest %d)\n", image.Printable(c.Path), c.GotSHA256, image.Printable(c.WantSHA256), c.GotSize, c.WantSize)
	}
	for _, p := range r.Missing {
		fmt.Fprintf(&b, "MISSING  %s\n", image.Printable(p))
	}
	for _, p := range r.Extra {
		fmt.Fprintf(&b, "EXTRA    %s\n", image.Printable(p))
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "PROBLEM  %s\n", image.Printable(p))
	}
	if r.OK() {
		b.WriteString("OK: every artifact matches the manifest, SHA256SUMS and the sealed custody log\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
