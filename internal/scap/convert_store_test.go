package scap

import (
	"math/rand/v2"
	"slices"
	"testing"

	"peregrine/internal/event"
)

// TestConvStoreModel runs random operations on a small store and on an
// obvious model (a recency-ordered list) and compares them.
func TestConvStoreModel(t *testing.T) {
	type entry struct {
		tid int64
		val uint64
		has bool
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, max := range []int{1, 2, 3, 5} {
		s := newConvStore(max)
		var model []entry // most recent first
		var evicted uint64
		for step := 0; step < 5000; step++ {
			tid := int64(rng.IntN(7))
			switch rng.IntN(4) {
			case 0, 1: // put
				val := uint64(step)
				var b event.Builder
				b.Reset(4, val, tid)
				b.Uint(event.PTFD, val)
				var e event.Event
				if err := b.Build(&e); err != nil {
					t.Fatal(err)
				}
				s.put(&e)
				i := slices.IndexFunc(model, func(x entry) bool { return x.tid == tid })
				if i >= 0 {
					model = slices.Delete(model, i, i+1)
				} else if len(model) == max {
					if model[max-1].has {
						evicted++
					}
					model = model[:max-1]
				}
				model = slices.Insert(model, 0, entry{tid, val, true})
			case 2: // clear
				s.clear(tid)
				if i := slices.IndexFunc(model, func(x entry) bool { return x.tid == tid }); i >= 0 {
					model[i].has = false
				}
			case 3: // get
				got := s.get(tid)
				i := slices.IndexFunc(model, func(x entry) bool { return x.tid == tid })
				want := i >= 0 && model[i].has
				if (got != nil) != want {
					t.Fatalf("max %d step %d: get(%d) present=%v, model %v", max, step, tid, got != nil, want)
				}
				if got != nil && got.Timestamp() != model[i].val {
					t.Fatalf("max %d step %d: get(%d) ts %d, want %d", max, step, tid, got.Timestamp(), model[i].val)
				}
			}
			if s.evicted != evicted {
				t.Fatalf("max %d step %d: evicted %d, model %d", max, step, s.evicted, evicted)
			}
			if len(s.slots) > max || len(s.index) > max {
				t.Fatalf("max %d: %d slots, %d index entries", max, len(s.slots), len(s.index))
			}
			if rng.IntN(500) == 0 {
				s.reset()
				model = model[:0]
			}
		}
	}
}
