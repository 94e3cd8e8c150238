package incident

import (
	"slices"
	"time"
)

// unionFind joins indexes into sets.
type unionFind struct{ parent []int }

// newUnionFind makes n singleton sets.
func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
	}
	return u
}

// find returns the representative of i's set, halving paths on the way.
func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// union joins the sets of a and b; the smaller index represents the set,
// so that the result does not depend on the order of the calls.
func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	switch {
	case ra < rb:
		u.parent[rb] = ra
	case rb < ra:
		u.parent[ra] = rb
	}
}

// group returns the groups of signals (indexes into sigs, sorted by
// start) that share keys within window, as the package documentation
// describes. sigs must be sorted by start time.
func group(sigs []Signal, window time.Duration) [][]int {
	u := newUnionFind(len(sigs))
	strong := make([]bool, len(sigs))
	linkByKeys(sigs, window, u, func(i int, k Key) bool {
		if k.Kind.strong() {
			strong[i] = true
			return true
		}
		return false
	})
	// Signals with strong keys and their sets; the weak-only ones join
	// every set within the window that shares a weak key.
	sets := map[int][]int{}
	for i := range sigs {
		if strong[i] {
			r := u.find(i)
			sets[r] = append(sets[r], i)
		}
	}
	loose := attachWeak(sigs, strong, sets, window)
	// The rest group among themselves by their weak keys.
	sub := make([]Signal, len(loose))
	for j, i := range loose {
		sub[j] = sigs[i]
	}
	v := newUnionFind(len(sub))
	linkByKeys(sub, window, v, func(int, Key) bool { return true })
	for j, i := range loose {
		r := -1 - loose[v.find(j)] // negative: apart from the strong roots
		sets[r] = append(sets[r], i)
	}
	out := make([][]int, 0, len(sets))
	for _, members := range sets {
		slices.Sort(members)
		out = append(out, members)
	}
	slices.SortFunc(out, func(a, b []int) int { return a[0] - b[0] })
	return out
}

// attachWeak adds each signal without strong keys to every set (of
// signals with strong keys) that shares one of its weak keys and lies
// within window of it, and returns the signals that joined none.
func attachWeak(sigs []Signal, strong []bool, sets map[int][]int, window time.Duration) []int {
	type span struct{ start, end time.Time }
	spans := map[int]span{}
	byKey := map[Key][]int{} // weak key -> the roots of the sets that have it
	roots := make([]int, 0, len(sets))
	for r := range sets {
		roots = append(roots, r)
	}
	slices.Sort(roots)
	for _, r := range roots {
		sp := span{sigs[sets[r][0]].Start, sigs[sets[r][0]].End}
		seen := map[Key]bool{}
		for _, i := range sets[r] {
			if sigs[i].End.After(sp.end) {
				sp.end = sigs[i].End
			}
			for _, k := range sigs[i].Keys {
				if !k.Kind.strong() && !seen[k] {
					seen[k] = true
					byKey[k] = append(byKey[k], r)
				}
			}
		}
		spans[r] = sp
	}
	var loose, cand []int
	for i := range sigs {
		if strong[i] {
			continue
		}
		cand = cand[:0]
		for _, k := range sigs[i].Keys {
			for _, r := range byKey[k] {
				if !slices.Contains(cand, r) && near(sigs[i].Start, sigs[i].End, spans[r].start, spans[r].end, window) {
					cand = append(cand, r)
				}
			}
		}
		for _, r := range cand {
			sets[r] = append(sets[r], i)
		}
		if len(cand) == 0 {
			loose = append(loose, i)
		}
	}
	return loose
}

// linkByKeys joins, for each key that use accepts, the signals that carry
// it, in start order, each to the one before when it starts at most window
// after the latest end seen so far of that key.
func linkByKeys(sigs []Signal, window time.Duration, u *unionFind, use func(int, Key) bool) {
	type run struct {
		last int
		end  time.Time
	}
	runs := map[Key]*run{}
	for i := range sigs {
		for _, k := range sigs[i].Keys {
			if !use(i, k) {
				continue
			}
			r := runs[k]
			if r != nil && !sigs[i].Start.After(r.end.Add(window)) {
				u.union(r.last, i)
				r.last = i
				if sigs[i].End.After(r.end) {
					r.end = sigs[i].End
				}
				continue
			}
			runs[k] = &run{last: i, end: sigs[i].End}
		}
	}
}

// near reports whether the spans [s1,e1] and [s2,e2] are at most window
// apart.
func near(s1, e1, s2, e2 time.Time, window time.Duration) bool {
	return !s1.After(e2.Add(window)) && !s2.After(e1.Add(window))
}
