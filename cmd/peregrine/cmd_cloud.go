package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"peregrine/internal/cloudcost"
)

// newCloudCmd is the parent of the commands that read cloud provider data.
func newCloudCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cloud",
		Short: "Analyse cloud provider data (billing)",
	}
	cmd.AddCommand(newCloudCostCmd())
	return cmd
}

// newCloudCostCmd is `peregrine cloud cost FILE...`.
func newCloudCostCmd() *cobra.Command {
	var (
		output, since, until, metric string
		opt                          cloudcost.Options
	)
	cmd := &cobra.Command{
		Use:   "cost [flags] FILE...",
		Short: "Find cost anomalies in AWS billing data (CUR CSV, Cost Explorer and Cost Anomaly Detection JSON)",
		Long: `Reads AWS Cost and Usage Report CSV files (legacy lineItem/... headers or CUR 2.0
snake_case headers, plain or gzip), Cost Explorer GetCostAndUsage JSON (daily) and
Cost Anomaly Detection GetAnomalies JSON, and reports:

  spike              a day's spend well above the median of the days before it
                     (robust score over median and MAD), per (account, service,
                     usage type, region), per service, per region and per account
  new_region         spend in a region that had none in the baseline window
  new_gpu_usage      a GPU or accelerator usage type (p3, g5, inf2, trn1, ...) seen
                     for the first time
  anomaly_detection  an anomaly AWS Cost Anomaly Detection reported, as it is

Records that cannot be read are reported on stderr with their location
(file:line, or file and JSON path), the rest is analysed, and the exit status is 1.`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError{fmt.Errorf("cloud cost: -o %q: want text or json", output)}
			}
			var err error
			if opt.Since, err = flagDay("since", since); err != nil {
				return err
			}
			if opt.Until, err = flagDay("until", until); err != nil {
				return err
			}
			if opt.Window < 1 || opt.MinHistory < 1 || opt.MinHistory > opt.Window || opt.MinIncrease <= 0 || opt.Threshold <= 0 {
				return usageError{fmt.Errorf("cloud cost: want --window >= --min-history >= 1 and positive --min-increase and --threshold")}
			}
			rep := cloudcost.Run(args, opt, metric)
			for _, e := range rep.Errors {
				fmt.Fprintf(cmd.ErrOrStderr(), "peregrine: cloud cost: %s\n", e)
			}
			if output == "json" {
				err = rep.WriteJSON(cmd.OutOrStdout())
			} else {
				err = rep.WriteText(cmd.OutOrStdout())
			}
			if err != nil {
				return fmt.Errorf("cloud cost: write: %w", err)
			}
			if len(rep.Errors) > 0 {
				return fmt.Errorf("cloud cost: %d records skipped (%d errors)", rep.Skipped, len(rep.Errors))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "text", "output format: text or json")
	f.StringVar(&since, "since", "", "report findings from this day on (YYYY-MM-DD); earlier data still makes baselines")
	f.StringVar(&until, "until", "", "report findings up to this day (YYYY-MM-DD)")
	f.IntVar(&opt.Window, "window", cloudcost.DefaultWindow, "days before a day that make its baseline")
	f.IntVar(&opt.MinHistory, "min-history", cloudcost.DefaultMinHistory, "days of data the baseline needs before a day is judged")
	f.Float64Var(&opt.MinIncrease, "min-increase", cloudcost.DefaultMinIncrease, "smallest increase over the baseline median (in the bill's currency) worth a finding")
	f.Float64Var(&opt.Threshold, "threshold", cloudcost.DefaultThreshold, "smallest robust score (increase over robust spread) of a spike")
	f.StringVar(&metric, "metric", "", "Cost Explorer metric to read (default UnblendedCost, else the first cost metric present)")
	return cmd
}

// flagDay parses a --since/--until day; "" is no bound.
func flagDay(name, v string) (cloudcost.Day, error) {
	if v == "" {
		return 0, nil
	}
	d, err := cloudcost.ParseDay(v)
	if err != nil {
		return 0, usageError{fmt.Errorf("cloud cost: --%s: %w", name, err)}
	}
	return d, nil
}
