// Package cloudcost finds cost anomalies in cloud billing data: it reads AWS
// Cost and Usage Report CSV files (legacy "lineItem/UsageType" headers and the
// snake_case CUR 2.0 headers, plain or gzip), Cost Explorer GetCostAndUsage
// JSON and Cost Anomaly Detection GetAnomalies JSON, sums spend per day for
// each (account, service, usage type, region) and for each service and region,
// and compares every day with a robust baseline (median and MAD) of the days
// before it. Spikes, regions with spend that had none in the baseline window
// and GPU usage types seen for the first time become [Finding]s with the
// expected and actual spend; the anomalies AWS already found are passed
// through as findings of their own kind.
//
// Its one job is turning billing records into findings. It does not fetch
// data from AWS (the files are exported by the user), it does not evaluate
// rules, and it does not correlate findings with runtime alerts: the JSON form
// of a finding is kept stable so that the incident correlation can.
package cloudcost
