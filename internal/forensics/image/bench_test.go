package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"peregrine/internal/forensics/image/imagetest"
)

// writeBigImage writes a legacy docker save archive of layers layers, each
// of files files of size bytes (pseudo-random, half of them text-like),
// to a file in dir, layer by layer so that at most one layer is in
// memory; with gz the layers are stored gzip-compressed (Docker loads
// those too). It returns the path and the archive's size.
func writeBigImage(tb testing.TB, dir string, layers, files, size int, gz bool) (string, int64) {
	tb.Helper()
	p := filepath.Join(dir, fmt.Sprintf("big-%d-%d-%d-%v.tar", layers, files, size, gz))
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	out := tar.NewWriter(f)
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	var diffIDs, paths []string
	text := []byte(strings.Repeat("the quick brown fox jumps over the lazy dog 0123456789\n", 64))
	for l := range layers {
		var layer bytes.Buffer
		tw := tar.NewWriter(&layer)
		data := make([]byte, size)
		for i := range files {
			if i%2 == 0 {
				for j := range data {
					data[j] = byte(rng.Uint32())
				}
			} else {
				for j := 0; j < size; j += len(text) {
					copy(data[j:], text)
				}
			}
			h := &tar.Header{Name: fmt.Sprintf("usr/lib/l%d/f%05d.bin", l, i), Mode: 0o755, Size: int64(size), Typeflag: tar.TypeReg}
			if err := tw.WriteHeader(h); err != nil {
				tb.Fatal(err)
			}
			tw.Write(data)
		}
		tw.Close()
		diffIDs = append(diffIDs, imagetest.Digest(layer.Bytes()))
		stored := layer.Bytes()
		if gz {
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
			zw.Write(stored)
			zw.Close()
			stored = z.Bytes()
		}
		name := fmt.Sprintf("l%d/layer.tar", l)
		paths = append(paths, name)
		out.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(stored)), Typeflag: tar.TypeReg})
		out.Write(stored)
	}
	cfg, _ := json.Marshal(map[string]any{"os": "linux", "architecture": "amd64", "rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs}})
	cfgName := strings.TrimPrefix(imagetest.Digest(cfg), "sha256:") + ".json"
	manifest, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{"big:1"}, "Layers": paths}})
	for _, m := range []struct {
		name string
		data []byte
	}{{cfgName, cfg}, {"manifest.json", manifest}} {
		out.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg})
		out.Write(m.data)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	return p, fi.Size()
}

// BenchmarkAnalyze: MB/s is of the archive (uncompressed layers: the same
// as the tar content; gzip: of the compressed archive).
func BenchmarkAnalyze(b *testing.B) {
	dir := b.TempDir()
	for _, bc := range []struct {
		name                string
		layers, files, size int
		gz                  bool
	}{
		{"legacy-300MB", 4, 300, 256 << 10, false},
		{"gzip-64MB", 1, 256, 256 << 10, true},
	} {
		p, size := writeBigImage(b, dir, bc.layers, bc.files, bc.size, bc.gz)
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			cpu0 := cpuTime(b)
			for b.Loop() {
				r, err := Analyze(p, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if r.Summary.Files < bc.files {
					b.Fatalf("%d files", r.Summary.Files)
				}
			}
			// the machine may be shared: throughput per CPU second too
			b.ReportMetric(float64(size)*float64(b.N)/1e6/(cpuTime(b)-cpu0), "MB/cpu-s")
		})
	}
}

// cpuTime is the CPU time (user and system) the process used so far, in
// seconds.
func cpuTime(tb testing.TB) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// TestBigImage checks the benchmark's image (smaller) gives the report
// the benchmark relies on, and that scanning is capped per file.
func TestBigImage(t *testing.T) {
	p, _ := writeBigImage(t, t.TempDir(), 2, 10, 100<<10, true)
	r, err := Analyze(p, Options{MaxScanBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Truncated != 20 || r.Summary.Scanned != 20*64<<10 || r.Summary.Bytes != 20*100<<10 {
		t.Errorf("summary %+v", r.Summary)
	}
}
