package cloudcost

// Run reads the files at paths with a [Reader] (metric is the Cost Explorer
// metric, "" for the default), analyses them with opt and returns the report.
// Files and records that cannot be read are in the report's errors; the rest
// is analysed.
func Run(paths []string, opt Options, metric string) *Report {
	l := NewLedger()
	rd := &Reader{Record: l.Add, Anomaly: l.AddAnomaly, Metric: metric}
	rep := &Report{}
	for _, p := range paths {
		st, errs := rd.ReadFile(p)
		rep.Files = append(rep.Files, st)
		rep.Skipped += st.Skipped
		for _, err := range errs {
			rep.Errors = append(rep.Errors, err.Error())
		}
	}
	rep.Findings = l.Analyze(opt)
	rep.Totals = l.Totals(opt.Since, opt.Until)
	return rep
}
