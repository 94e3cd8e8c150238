package image

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzAnalyze feeds arbitrary archives to Analyze: it must return a report
// or an error, never panic, and stay within its limits.
func FuzzAnalyze(f *testing.F) {
	f.Add(legacyTar(f, cleanImage()))
	f.Add(ociTar(f, cleanImage(), true))
	f.Add(oneLayer(M{Name: "a/.wh..wh..opq"}, M{Name: "a/b", Data: []byte("stratum+tcp://x")}))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "fuzz.tar")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Analyze(p, Options{MaxScanBytes: 1 << 16, MaxLayerBytes: 8 << 20, MaxJSONBytes: 1 << 16, MaxEntries: 10000, MaxFindings: 100})
		if err == nil && len(r.Findings) > 100 {
			t.Errorf("%d findings, more than the limit", len(r.Findings))
		}
	})
}

// TestMutatedArchives runs Analyze on archives with a few random bytes
// changed (a fixed seed, so every run sees the same ones): each must end
// in a report or an error, not a panic.
func TestMutatedArchives(t *testing.T) {
	seeds := [][]byte{legacyTar(t, plantedImage()), ociTar(t, plantedImage(), true), ociTar(t, plantedImage(), false)}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 11))
	errs := 0
	for i := range 600 {
		d := slices.Clone(seeds[i%len(seeds)])
		for range 1 + rng.IntN(4) {
			d[rng.IntN(len(d))] = byte(rng.Uint32())
		}
		p := filepath.Join(dir, "mutated.tar")
		if err := os.WriteFile(p, d, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Analyze(p, Options{MaxFindings: 100}); err != nil {
			errs++
		}
	}
	t.Logf("%d of 600 refused", errs)
	// digests cover every byte that matters: most mutations are refused
	if errs < 300 {
		t.Errorf("only %d of 600 mutated archives refused", errs)
	}
}
