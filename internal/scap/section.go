package scap

import (
	"errors"
	"fmt"
	"io"
)

// readMetadata reads a metadata phase: block h (a section header or a
// metadata block) and the blocks after it, up to the first event block,
// which it leaves pending for Next. It starts a new section. The stream
// may end here (a capture without events): Next then returns io.EOF.
func (r *Reader) readMetadata(h header) error {
	r.newSection()
	defer func() { r.mbuf = nil }()
	for {
		switch h.info.kind {
		case kindEvent:
			r.pend, r.ispend = h, true
			return nil
		case kindSHB:
			if r.blocks > 0 {
				// A second header before any event: the section
				// before it had no events.
				r.newSection()
			}
			if err := r.readSHB(h); err != nil {
				return err
			}
		case kindMeta:
			if err := r.readMetaBlock(h); err != nil {
				return err
			}
		default:
			if err := r.skip(h); err != nil {
				return err
			}
		}
		r.blocks++
		var err error
		h, err = r.readHeader()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// newSection starts a section. A section that starts without a section
// header keeps the version of the one before.
func (r *Reader) newSection() {
	m := &Meta{}
	if r.meta != nil {
		m.Version = r.meta.Version
	}
	r.meta = m
	r.blocks = 0
	r.stats.Sections++
}

// readSHB reads a section header block, skipping its pcapng options.
func (r *Reader) readSHB(h header) error {
	if h.total < shbMinTotal {
		return r.errorf(h, "%w: total length %d, a section header needs %d", ErrBlockLength, h.total, shbMinTotal)
	}
	var b [shbBodyLen]byte
	if err := r.src.full(b[:]); err != nil {
		return r.readErr(h, err)
	}
	if magic := le.Uint32(b[0:]); magic != shbMagic {
		return r.errorf(h, "%w: byte-order magic %#08x, want %#08x (big-endian captures are not supported)", ErrNotScap, magic, shbMagic)
	}
	v := Version{Major: le.Uint16(b[4:]), Minor: le.Uint16(b[6:])}
	if v.Major != 1 {
		return r.errorf(h, "%w: %d.%d, this reader knows 1.x", ErrVersion, v.Major, v.Minor)
	}
	if err := r.src.discard(int64(h.total) - shbMinTotal); err != nil {
		return r.readErr(h, err)
	}
	if err := r.src.full(b[:4]); err != nil {
		return r.readErr(h, err)
	}
	if err := r.checkTrailer(h, le.Uint32(b[:4])); err != nil {
		return err
	}
	r.meta.Version = v
	return nil
}

// readMetaBlock reads a machine, interface, user, process or fd list block
// into the current section.
func (r *Reader) readMetaBlock(h header) error {
	if h.total > MaxMetaBlock {
		return r.errorf(h, "%w: total length %d over the %d limit for metadata", ErrBlockLength, h.total, MaxMetaBlock)
	}
	n := int(h.total) - blockHeaderLen
	buf, err := r.src.fill(r.mbuf, 0, n)
	r.mbuf = buf
	if err != nil {
		return r.readErr(h, err)
	}
	if err := r.checkTrailer(h, le.Uint32(buf[n-4:])); err != nil {
		return err
	}
	if err := r.parseMeta(h, buf[:n-4]); err != nil {
		return &FormatError{Offset: h.off, Block: h.info.name, Err: err}
	}
	return nil
}

// parseMeta decodes the body of a metadata block into the current section.
func (r *Reader) parseMeta(h header, body []byte) error {
	m := r.meta
	switch h.typ {
	case blockMI, blockMIInt:
		mi, err := parseMI(body)
		if err != nil {
			return err
		}
		m.Machine = mi
	case blockIL, blockILInt, blockILV2:
		l, err := parseIL(body, h.info.ver == 2)
		if err != nil {
			return err
		}
		m.Interfaces = l
	case blockUL, blockULInt, blockULV2:
		u, g, err := parseUL(body, h.info.ver == 2)
		if err != nil {
			return err
		}
		m.Users, m.Groups = u, g
	case blockFDL, blockFDLInt, blockFDLV2:
		l, err := parseFDL(body, h.info.ver == 2)
		if err != nil {
			return err
		}
		m.FDLists = append(m.FDLists, l)
	default: // process lists, the only other metadata kind
		return parsePL(body, h.info.ver, m)
	}
	return nil
}

// errorAt prefixes err with the entry it was found in.
func errorAt(err error, what string, i int) error {
	return fmt.Errorf("%s %d: %w", what, i, err)
}
