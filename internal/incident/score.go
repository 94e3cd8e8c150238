package incident

import "fmt"

// The points of the confidence score (see the package documentation).
const (
	pointsMining       = 30
	pointsCategory     = 15
	pointsControlPlane = 5
	levelHigh          = 70
	levelMedium        = 45
)

// priorityPoints gives the points of the highest priority of a group:
// Critical and above, Error, Warning.
func priorityPoints(rank int) int {
	switch {
	case rank >= priorityRank("critical"):
		return 10
	case rank == priorityRank("error"):
		return 7
	case rank == priorityRank("warning"):
		return 4
	}
	return 0
}

// score returns the confidence (0-100) of a group of signals, its level
// and the reasons, one line each.
func score(sigs []*Signal) (int, string, []string) {
	mining, control, top := false, false, 0
	present := map[Category]bool{}
	for _, s := range sigs {
		mining = mining || s.Mining
		present[s.Category] = true
		control = control || s.Category == CategoryControlPlane
		top = max(top, priorityRank(s.Priority))
	}
	total := 0
	var why []string
	if mining {
		total += pointsMining
		why = append(why, fmt.Sprintf("+%d a signal says cryptomining", pointsMining))
	}
	for _, c := range Categories {
		if c.evidence() && present[c] {
			total += pointsCategory
			why = append(why, fmt.Sprintf("+%d %s evidence", pointsCategory, c))
		}
	}
	if p := priorityPoints(top); p > 0 {
		total += p
		why = append(why, fmt.Sprintf("+%d highest priority %s", p, priorityName(top)))
	}
	if control {
		total += pointsControlPlane
		why = append(why, fmt.Sprintf("+%d control-plane context", pointsControlPlane))
	}
	total = min(total, 100)
	level := "low"
	switch {
	case total >= levelHigh:
		level = "high"
	case total >= levelMedium:
		level = "medium"
	}
	return total, level, why
}

// priorityName names a priority rank as Falco writes it.
func priorityName(rank int) string {
	for _, n := range []string{"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"} {
		if priorityRank(n) == rank {
			return n
		}
	}
	return "unknown"
}
