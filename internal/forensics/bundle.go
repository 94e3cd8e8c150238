package forensics

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"time"
)

// ErrNotEmpty is returned (wrapped) by [CreateBundle] for an output
// directory that already holds something.
var ErrNotEmpty = errors.New("output directory exists and is not empty")

// Bundle is an evidence directory being written: every artifact goes
// through [Bundle.Create], which hashes it as it is written, and
// [Bundle.Seal] ends it with the manifest, SHA256SUMS and read-only
// permissions. A Bundle is not safe for concurrent use.
type Bundle struct {
	dir       string
	root      *os.Root // dir: every file is made through it, so none lands outside
	custody   *CustodyLog
	artifacts []Artifact
	sealed    bool
}

// CreateBundle starts a bundle in dir, which is created if it does not
// exist and must be empty if it does ([ErrNotEmpty]). The custody log is
// opened at once; operator signs each of its lines.
func CreateBundle(dir, operator string) (*Bundle, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case err == nil && len(entries) > 0:
		return nil, fmt.Errorf("bundle %s: %w", dir, ErrNotEmpty)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("bundle %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("bundle %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", dir, err)
	}
	f, err := root.OpenFile(CustodyFile, custodyFlags, 0o640)
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("bundle %s: custody log: %w", dir, err)
	}
	return &Bundle{dir: dir, root: root, custody: newCustody(f, operator)}, nil
}

// Dir returns the bundle's directory.
func (b *Bundle) Dir() string { return b.dir }

// Custody returns the bundle's custody log.
func (b *Bundle) Custody() *CustodyLog { return b.custody }

// Artifacts returns the artifacts written so far, in the order they were
// started.
func (b *Bundle) Artifacts() []Artifact { return b.artifacts }

// ArtifactWriter is one artifact being written. Everything written to it
// goes to the file and to its SHA-256 in the same pass; [ArtifactWriter.Finish]
// records it.
type ArtifactWriter struct {
	b       *Bundle
	f       *os.File
	h       hash.Hash
	w       io.Writer
	art     Artifact
	written int64
}

// Create starts the artifact at rel (slash-separated, inside the bundle)
// taken from source (an Engine API call or a host path). The file must
// not exist. The start is recorded in the custody log.
func (b *Bundle) Create(rel, source string) (*ArtifactWriter, error) {
	if b.sealed {
		return nil, fmt.Errorf("artifact %s: bundle is sealed", rel)
	}
	if !fs.ValidPath(rel) || rel == "." || isMetaFile(rel) {
		return nil, fmt.Errorf("artifact %q: not a plain relative path inside the bundle", rel)
	}
	if err := b.root.MkdirAll(path.Dir(rel), 0o750); err != nil {
		return nil, fmt.Errorf("artifact %s: %w", rel, err)
	}
	f, err := b.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, fmt.Errorf("artifact %s: %w", rel, err)
	}
	h := sha256.New()
	aw := &ArtifactWriter{b: b, f: f, h: h, w: io.MultiWriter(f, h),
		art: Artifact{Path: rel, Source: source, Started: time.Now().UTC()}}
	b.custody.Record("start", "%s from %s", rel, source)
	return aw, nil
}

// Write writes p to the file and the hash.
func (w *ArtifactWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.written += int64(n)
	return n, err
}

// Finish closes the file and records the artifact in the manifest and the
// custody log. A non-nil fill error (the source failed) is recorded with
// it; the artifact keeps what was written. It returns the artifact and
// the first of fill and the file's own errors.
func (w *ArtifactWriter) Finish(fill error) (Artifact, error) {
	err := fill
	if cerr := w.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close %s: %w", w.art.Path, cerr)
	}
	w.art.Size = w.written
	w.art.SHA256 = hex.EncodeToString(w.h.Sum(nil))
	w.art.Finished = time.Now().UTC()
	if err != nil {
		w.art.Error = err.Error()
		w.b.custody.Record("error", "%s: %v (kept %d bytes, sha256 %s)", w.art.Path, err, w.art.Size, w.art.SHA256)
	} else {
		w.b.custody.Record("end", "%s: %d bytes, sha256 %s", w.art.Path, w.art.Size, w.art.SHA256)
	}
	w.b.artifacts = append(w.b.artifacts, w.art)
	return w.art, err
}

// Write creates the artifact rel from source with what fill writes, and
// finishes it (see [ArtifactWriter.Finish]).
func (b *Bundle) Write(rel, source string, fill func(io.Writer) error) (Artifact, error) {
	w, err := b.Create(rel, source)
	if err != nil {
		b.custody.Record("error", "%v", err)
		return Artifact{Path: rel, Source: source, Error: err.Error()}, err
	}
	return w.Finish(fill(w))
}

// WriteJSON writes v as indented JSON to the artifact rel.
func (b *Bundle) WriteJSON(rel, source string, v any) (Artifact, error) {
	return b.Write(rel, source, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// Seal ends the bundle: it writes m (with the artifacts) to manifest.json
// and a SHA256SUMS file that "sha256sum -c" checks, records both files'
// hashes in the custody log, closes it, and makes every file read-only
// (0440) and every directory 0550: evidence holds the suspect's
// environment and files, credentials among them, so others get nothing,
// as while it was written (0640, 0750).
func (b *Bundle) Seal(m *Manifest) error {
	if b.sealed {
		return fmt.Errorf("bundle %s: sealed already", b.dir)
	}
	b.sealed = true
	m.Format = ManifestFormat
	m.Artifacts = b.artifacts
	var errs []error
	manifestSum, err := b.writeMeta(ManifestFile, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
	errs = append(errs, err)
	sumsSum, err := b.writeMeta(SumsFile, func(w io.Writer) error {
		return writeSums(w, b.artifacts)
	})
	errs = append(errs, err)
	b.custody.Record("seal", "%s sha256 %s; %s sha256 %s; %d artifacts", ManifestFile, manifestSum, SumsFile, sumsSum, len(b.artifacts))
	errs = append(errs, b.custody.Close(), readOnly(b.root), b.root.Close())
	return errors.Join(errs...)
}

// writeMeta writes one of the bundle's own files and returns its SHA-256.
func (b *Bundle) writeMeta(name string, fill func(io.Writer) error) (string, error) {
	f, err := b.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return "", fmt.Errorf("bundle %s: %w", name, err)
	}
	h := sha256.New()
	err = fill(io.MultiWriter(f, h))
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("bundle %s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeSums writes "<sha256>  <path>" lines, sorted by path, in the
// format of sha256sum's text mode.
func writeSums(w io.Writer, arts []Artifact) error {
	sorted := append([]Artifact(nil), arts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	for _, a := range sorted {
		if _, err := fmt.Fprintf(w, "%s  %s\n", a.SHA256, a.Path); err != nil {
			return err
		}
	}
	return nil
}

// isMetaFile reports whether rel is one of the files that describe the
// bundle rather than evidence.
func isMetaFile(rel string) bool {
	return rel == ManifestFile || rel == SumsFile || rel == CustodyFile
}

// readOnly makes every file under root 0440 and every directory 0550,
// deepest first so that a directory is closed after its contents.
// Symbolic links are left alone, and nothing outside root is touched.
func readOnly(root *os.Root) error {
	var dirs []string
	err := fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			dirs = append(dirs, p)
		case d.Type().IsRegular():
			return root.Chmod(p, 0o440)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0 && err == nil; i-- {
		err = root.Chmod(dirs[i], 0o550)
	}
	if err != nil {
		return fmt.Errorf("make bundle read-only: %w", err)
	}
	return nil
}
