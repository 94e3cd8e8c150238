package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// store is the input of an analysis: a docker save tar file or the
// directory it was extracted to. Names are slash-separated and relative to
// the root of the archive.
type store interface {
	// open returns the member name for reading and its size.
	open(name string) (io.ReadCloser, int64, error)
	// has reports whether a member name exists.
	has(name string) bool
	close() error
}

// openStore opens the file or directory at p.
func openStore(p string) (store, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("open image: %w", err)
	}
	if fi.IsDir() {
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, fmt.Errorf("open image: %w", err)
		}
		return &dirStore{root: root}, nil
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("open image %s: not a regular file or a directory (save the image to a file first)", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open image: %w", err)
	}
	s, err := indexTar(f, fi.Size(), p)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// dirStore reads an extracted image directory. os.Root refuses names and
// symbolic links that lead outside the directory.
type dirStore struct {
	root *os.Root
}

func (d *dirStore) open(name string) (io.ReadCloser, int64, error) {
	f, err := d.root.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: not a regular file", name)
	}
	return f, fi.Size(), nil
}

func (d *dirStore) has(name string) bool {
	_, err := d.root.Stat(name)
	return err == nil
}

func (d *dirStore) close() error { return d.root.Close() }

// member is where one file of a tar archive lies.
type member struct {
	offset, size int64
	link         string // target of a symbolic link member
}

// tarStore reads members of a tar file on disk by offset, after one pass
// over its headers; nothing is extracted.
type tarStore struct {
	f       *os.File
	file    string
	members map[string]member
}

// maxMembers bounds the index of the outer archive (a docker save of one
// image has a handful of members per layer).
const maxMembers = 1 << 20

// indexTar reads every header of the tar file f of size bytes once and
// records where each member's data lies.
func indexTar(f *os.File, size int64, name string) (*tarStore, error) {
	s := &tarStore{f: f, file: name, members: map[string]member{}}
	sr := io.NewSectionReader(f, 0, size)
	tr := tar.NewReader(sr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: read tar header after %d members: %w", name, len(s.members), err)
		}
		clean, err := memberName(h.Name)
		if err != nil {
			return nil, fmt.Errorf("%s: member %q: %w", name, h.Name, err)
		}
		if clean == "." {
			continue
		}
		off, err := sr.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, fmt.Errorf("%s: member %q: %w", name, h.Name, err)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			continue
		case tar.TypeReg, tar.TypeSymlink:
		default:
			return nil, fmt.Errorf("%s: member %q: unexpected type %q in an image archive", name, h.Name, h.Typeflag)
		}
		if h.Size < 0 || h.Size > size-off {
			return nil, fmt.Errorf("%s: member %q declares %d bytes but only %d remain in the file", name, h.Name, h.Size, size-off)
		}
		if _, dup := s.members[clean]; dup {
			return nil, fmt.Errorf("%s: member %q appears twice", name, h.Name)
		}
		if len(s.members) >= maxMembers {
			return nil, fmt.Errorf("%s: more than %d members", name, maxMembers)
		}
		m := member{offset: off, size: h.Size}
		if h.Typeflag == tar.TypeSymlink {
			m = member{link: h.Linkname}
		}
		s.members[clean] = m
	}
	if len(s.members) == 0 {
		return nil, fmt.Errorf("%s: empty archive", name)
	}
	return s, nil
}

// memberName cleans a member name and refuses absolute names and names
// that climb out of the archive.
func memberName(n string) (string, error) {
	if strings.HasPrefix(n, "/") {
		return "", errors.New("absolute path")
	}
	c := path.Clean(n)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", errors.New("path climbs out of the archive")
	}
	return c, nil
}

// resolve follows symbolic link members (Docker 25+ links the legacy
// layer paths to the OCI blobs) as long as they stay inside the archive.
func (s *tarStore) resolve(name string) (member, error) {
	n := name
	for range 8 {
		m, ok := s.members[n]
		if !ok {
			return member{}, fmt.Errorf("member %q: %w", name, fs.ErrNotExist)
		}
		if m.link == "" {
			return m, nil
		}
		if path.IsAbs(m.link) {
			return member{}, fmt.Errorf("member %q: symbolic link to %q points outside the archive", n, m.link)
		}
		next, err := memberName(path.Join(path.Dir(n), m.link))
		if err != nil {
			return member{}, fmt.Errorf("member %q: symbolic link to %q points outside the archive", n, m.link)
		}
		n = next
	}
	return member{}, fmt.Errorf("member %q: too many symbolic links", name)
}

func (s *tarStore) open(name string) (io.ReadCloser, int64, error) {
	clean, err := memberName(name)
	if err != nil {
		return nil, 0, fmt.Errorf("member %q: %w", name, err)
	}
	m, err := s.resolve(clean)
	if err != nil {
		return nil, 0, err
	}
	return io.NopCloser(io.NewSectionReader(s.f, m.offset, m.size)), m.size, nil
}

func (s *tarStore) has(name string) bool {
	clean, err := memberName(name)
	if err != nil {
		return false
	}
	_, ok := s.members[clean]
	return ok
}

func (s *tarStore) close() error { return s.f.Close() }
