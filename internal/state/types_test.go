package state_test

import (
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/state"
)

func TestTypes(t *testing.T) {
	seen := map[event.Type]bool{}
	for _, ty := range state.Types() {
		if seen[ty] {
			t.Errorf("type %d (%s) twice", ty, ty.Name())
		}
		seen[ty] = true
		if ty.Info() == nil || ty.Info().Flags&event.OldVersion != 0 && ty != 186 {
			t.Errorf("type %d (%s) is not a current event", ty, ty.Name())
		}
	}
	for _, name := range []string{"execve", "clone", "open", "openat", "close", "connect", "accept4", "dup2", "socket", "procexit"} {
		found := false
		for _, ty := range event.TypesNamed(name) {
			found = found || seen[ty]
		}
		if !found {
			t.Errorf("no %s type", name)
		}
	}
}
