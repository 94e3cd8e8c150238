package main

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"peregrine/internal/event"
)

func newVersionCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version [-o text|json]",
		Short: "Print the version of peregrine",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := struct {
				Version    string `json:"version"`
				Go         string `json:"go"`
				Platform   string `json:"platform"`
				EventTypes int    `json:"event_types"`
			}{version, runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH, event.NumTypes()}
			switch output {
			case "json":
				return json.NewEncoder(cmd.OutOrStdout()).Encode(v)
			case "text":
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "peregrine %s (%s, %s; %d event types)\n", v.Version, v.Go, v.Platform, v.EventTypes)
				return err
			}
			return usageError{fmt.Errorf("version: -o %q: want text or json", output)}
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
