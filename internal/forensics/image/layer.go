package image

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"strings"
)

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// errTooLarge reports a layer beyond the size or compression ratio limits.
var errTooLarge = errors.New("layer too large")

// guard stops a decompressed layer that grows past limit bytes, or past
// ratio times the compressed bytes read once it is over ratioFloor bytes
// (a decompression bomb).
type guard struct {
	r             io.Reader
	n             int64
	stored        *counter
	limit, ratio  int64
	ratioFloor    int64
	compressedSrc bool
}

func (g *guard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.n += int64(n)
	if g.n > g.limit {
		return n, fmt.Errorf("%w: more than %d uncompressed bytes", errTooLarge, g.limit)
	}
	if g.compressedSrc && g.n > g.ratioFloor && g.n > g.ratio*g.stored.n {
		return n, fmt.Errorf("%w: %d bytes from %d compressed bytes, a ratio over %d:1", errTooLarge, g.n, g.stored.n, g.ratio)
	}
	return n, err
}

func digestOf(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }

// readLayer applies layer i (stored as ref) to the tree and scans its
// files. diffID is the digest the configuration gives its uncompressed
// tar.
func (a *analysis) readLayer(i int, ref blobRef, diffID string) (Layer, error) {
	l := Layer{Index: i, DiffID: diffID, Blob: ref.name}
	rc, size, err := a.s.open(ref.name)
	if err != nil {
		return l, err
	}
	defer rc.Close()
	l.StoredSize = size
	stored := &counter{r: rc}
	blobHash := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(stored, blobHash), 64<<10)
	head, _ := br.Peek(4)
	var raw io.Reader = br
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return l, fmt.Errorf("%s: gzip: %w", ref.name, err)
		}
		raw, l.Compressed = zr, true
	case len(head) == 4 && string(head) == "\x28\xb5\x2f\xfd":
		return l, fmt.Errorf("%s: zstd-compressed layers are not supported", ref.name)
	}
	g := &guard{r: raw, stored: stored, limit: a.opt.MaxLayerBytes, ratio: a.opt.MaxRatio, ratioFloor: a.opt.ratioFloor, compressedSrc: l.Compressed}
	diffHash := sha256.New()
	plain := io.TeeReader(g, diffHash)
	tr := tar.NewReader(plain)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return l, fmt.Errorf("%s: after %d entries: %w", ref.name, l.Entries, err)
		}
		l.Entries++
		err = a.entry(i, tr, h, &l)
		if err == nil {
			err = a.overflow()
		}
		if err != nil {
			return l, fmt.Errorf("%s: member %q: %w", ref.name, h.Name, err)
		}
	}
	// the digests cover the whole stream, past the tar end marker
	if _, err := io.Copy(io.Discard, plain); err != nil {
		return l, fmt.Errorf("%s: %w", ref.name, err)
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return l, fmt.Errorf("%s: %w", ref.name, err)
	}
	l.Size = g.n
	got := digestOf(blobHash)
	if l.Compressed {
		l.BlobDigest = got
	}
	if ref.digest != "" && got != ref.digest {
		return l, fmt.Errorf("%s: digest mismatch: content is %s, the manifest says %s", ref.name, got, ref.digest)
	}
	if diff := digestOf(diffHash); diffID != "" && diff != diffID {
		return l, fmt.Errorf("%s: digest mismatch: uncompressed content is %s, the configuration's diff_id is %s", ref.name, diff, diffID)
	}
	return l, nil
}

// entryName cleans the name of a layer entry, refusing absolute names and
// names that climb out of the root file system.
func entryName(n string) (string, error) {
	if strings.HasPrefix(n, "/") {
		return "", errors.New("absolute path in a layer")
	}
	c := path.Clean(n)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", errors.New("path climbs out of the root file system")
	}
	return c, nil
}

// entry applies one tar entry of layer i.
func (a *analysis) entry(i int, tr *tar.Reader, h *tar.Header, l *Layer) error {
	p, err := entryName(h.Name)
	if err != nil || p == "." {
		return err
	}
	base, dir := path.Base(p), path.Dir(p)
	switch {
	case base == ".wh..wh..opq":
		l.Whiteouts++
		a.tree.opaque(dir, i)
		return nil
	case strings.HasPrefix(base, ".wh..wh."):
		return nil // AUFS bookkeeping, not a file
	case strings.HasPrefix(base, ".wh."):
		target := base[len(".wh."):]
		if target == "" || target == "." || target == ".." {
			return errors.New("whiteout names no file")
		}
		l.Whiteouts++
		a.tree.whiteout(join(dir, target), i)
		return nil
	}
	n := &node{typ: h.Typeflag, mode: h.Mode, uid: h.Uid, gid: h.Gid, layer: i}
	switch h.Typeflag {
	case tar.TypeReg:
		n.size = h.Size
		if err := a.scanFile(p, i, tr, h.Size); err != nil {
			return err
		}
	case tar.TypeLink:
		t, err := entryName(h.Linkname)
		if err != nil {
			return fmt.Errorf("hard link to %q: %w", h.Linkname, err)
		}
		n.link = t
	case tar.TypeSymlink:
		n.link = h.Linkname
		if !path.IsAbs(h.Linkname) {
			if _, err := entryName(path.Join(dir, h.Linkname)); err != nil {
				a.observe(observation{path: p, layer: i, rule: "symlink-outside-root", present: High, removed: Medium,
					reason: "relative symbolic link climbs above the root file system (harmless in a container, a trap for tools that extract images)", evidence: h.Linkname})
			}
		}
	case tar.TypeDir, tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
	default:
		return fmt.Errorf("entry type %q is not a file system entry", h.Typeflag)
	}
	return a.tree.add(p, n)
}

// scanFile checks a regular file of layer i by name and content.
func (a *analysis) scanFile(p string, i int, r io.Reader, size int64) error {
	if m := minerName(path.Base(p)); m != "" {
		a.observe(observation{path: p, layer: i, rule: "miner-binary", present: Critical, removed: Critical,
			reason: fmt.Sprintf("file named like the %s cryptocurrency miner", m)})
	}
	if kind, strong := secretFile(p); kind != "" {
		o := observation{path: p, layer: i, rule: "secret-file", present: Low, removed: High, reason: "file named like " + kind}
		if strong {
			o.present, o.removed = High, Critical
		}
		a.observe(o)
	}
	n, err := a.m.scan(r, a.opt.MaxScanBytes)
	a.sum.Scanned += n
	if err != nil {
		return err
	}
	if size > n {
		a.sum.Truncated++
	}
	seen, texts := a.m.kinds()
	mining := 0
	var ev []string
	for _, t := range texts {
		if !strings.Contains(t, "PRIVATE KEY") {
			ev = append(ev, t)
		}
	}
	for _, k := range []markerKind{kindStratum, kindXMRig, kindPool} {
		if seen[k] {
			mining++
		}
	}
	if mining > 0 {
		sev := Medium
		switch {
		case mining >= 2:
			sev = Critical
		case seen[kindStratum] || seen[kindXMRig]:
			sev = High
		}
		a.observe(observation{path: p, layer: i, rule: "miner-content", present: sev, removed: sev,
			reason: "file content carries cryptocurrency mining markers", evidence: strings.Join(ev, ", ")})
	}
	if seen[kindKey] && !a.m.elf {
		a.observe(observation{path: p, layer: i, rule: "private-key", present: High, removed: Critical,
			reason: "file content holds a PEM private key"})
	}
	return nil
}
