package scap

import (
	"encoding/binary"
	"strconv"

	"peregrine/internal/event"
)

// Block type ids (scap_savefile.h). The *Int ids are the legacy "internal"
// ids of early captures; they are read like their modern counterparts.
const (
	blockSHB = 0x0A0D0D0A

	blockMI    = 0x201
	blockMIInt = 0x8002ABCD

	blockPLV1    = 0x202
	blockPLV1Int = 0x8000ABCD
	blockPLV2    = 0x207
	blockPLV2Int = 0x8013ABCD
	blockPLV3    = 0x209
	blockPLV3Int = 0x8014ABCD
	blockPLV4    = 0x210
	blockPLV5    = 0x211
	blockPLV6    = 0x212
	blockPLV7    = 0x213
	blockPLV8    = 0x214
	blockPLV9    = 0x215

	blockFDL    = 0x203
	blockFDLInt = 0x8001ABCD
	blockFDLV2  = 0x218

	blockEV         = 0x204
	blockEVInt      = 0x8010ABCD
	blockEVV2       = 0x216
	blockEVV2Large  = 0x221
	blockEVF        = 0x208
	blockEVFV2      = 0x217
	blockEVFV2Large = 0x222

	blockIL    = 0x205
	blockILInt = 0x8011ABCD
	blockILV2  = 0x219

	blockUL    = 0x206
	blockULInt = 0x8012ABCD
	blockULV2  = 0x220
)

// shbMagic is the byte-order magic of the section header, as read on a
// little-endian machine.
const shbMagic = 0x1A2B3C4D

// Framing sizes.
const (
	blockHeaderLen  = 8                   // u32 type, u32 total length
	blockFrameLen   = blockHeaderLen + 4  // header and trailer
	shbBodyLen      = 16                  // magic, major, minor, section length
	shbMinTotal     = blockFrameLen + 16  // an SHB without options
	miBodyLen       = 180                 // packed scap_machine_info
	eventV1Header   = event.HeaderLen - 4 // ts, tid, len, type (no nparams)
	readerBufSize   = 65536               // libs' READER_BUF_SIZE
	maxSmallEvBlock = readerBufSize       // non-LARGE event blocks: total-8 <= this
)

// Limits on what the reader buffers. Event blocks other than the *_LARGE
// ones are limited by libs to 64 KiB. Larger blocks are read incrementally
// (memory grows with the bytes actually present, never with what a header
// claims) and refused past these caps.
const (
	// MaxLargeEventBlock is the largest EV_V2_LARGE / EVF_V2_LARGE block
	// (total length) the reader accepts: 64 MiB. libs has no cap; plugin
	// and container events this large do not occur in practice.
	MaxLargeEventBlock = 64 << 20
	// MaxMetaBlock is the largest metadata block (total length) the
	// reader accepts: 256 MiB, room for a process list of tens of
	// thousands of threads with full arguments and environments.
	MaxMetaBlock = 256 << 20
)

// Per-string limits of libs (scap_limits.h and the credential limit).
const (
	maxPathLen = 1024 // comm, exe, exepath, cwd, root (at most); fd and interface names (below)
	maxArgsLen = 4096 // args, env, cgroups (at most)
	maxCredLen = 256  // user and group strings (below)
)

type blockKind uint8

const (
	kindUnknown blockKind = iota
	kindSHB
	kindMeta
	kindEvent
)

// blockInfo describes a block type: its name, kind and, for event blocks,
// the header layout.
type blockInfo struct {
	name  string
	kind  blockKind
	ver   uint8 // PL: 1..9; IL, UL, FDL: 1 or 2; events: 1 or 2
	flags bool  // event block carries u32 flags after the cpu id
	large bool  // event block may exceed 64 KiB
}

func lookupBlock(t uint32) blockInfo {
	switch t {
	case blockSHB:
		return blockInfo{name: "SHB", kind: kindSHB}
	case blockMI:
		return blockInfo{name: "MI", kind: kindMeta}
	case blockMIInt:
		return blockInfo{name: "MI_INT", kind: kindMeta}
	case blockPLV1:
		return blockInfo{name: "PL_V1", kind: kindMeta, ver: 1}
	case blockPLV1Int:
		return blockInfo{name: "PL_V1_INT", kind: kindMeta, ver: 1}
	case blockPLV2:
		return blockInfo{name: "PL_V2", kind: kindMeta, ver: 2}
	case blockPLV2Int:
		return blockInfo{name: "PL_V2_INT", kind: kindMeta, ver: 2}
	case blockPLV3:
		return blockInfo{name: "PL_V3", kind: kindMeta, ver: 3}
	case blockPLV3Int:
		return blockInfo{name: "PL_V3_INT", kind: kindMeta, ver: 3}
	case blockPLV4, blockPLV5, blockPLV6, blockPLV7, blockPLV8, blockPLV9:
		v := uint8(t-blockPLV4) + 4
		return blockInfo{name: "PL_V" + strconv.Itoa(int(v)), kind: kindMeta, ver: v}
	case blockFDL:
		return blockInfo{name: "FDL", kind: kindMeta, ver: 1}
	case blockFDLInt:
		return blockInfo{name: "FDL_INT", kind: kindMeta, ver: 1}
	case blockFDLV2:
		return blockInfo{name: "FDL_V2", kind: kindMeta, ver: 2}
	case blockIL:
		return blockInfo{name: "IL", kind: kindMeta, ver: 1}
	case blockILInt:
		return blockInfo{name: "IL_INT", kind: kindMeta, ver: 1}
	case blockILV2:
		return blockInfo{name: "IL_V2", kind: kindMeta, ver: 2}
	case blockUL:
		return blockInfo{name: "UL", kind: kindMeta, ver: 1}
	case blockULInt:
		return blockInfo{name: "UL_INT", kind: kindMeta, ver: 1}
	case blockULV2:
		return blockInfo{name: "UL_V2", kind: kindMeta, ver: 2}
	case blockEV:
		return blockInfo{name: "EV", kind: kindEvent, ver: 1}
	case blockEVInt:
		return blockInfo{name: "EV_INT", kind: kindEvent, ver: 1}
	case blockEVV2:
		return blockInfo{name: "EV_V2", kind: kindEvent, ver: 2}
	case blockEVV2Large:
		return blockInfo{name: "EV_V2_LARGE", kind: kindEvent, ver: 2, large: true}
	case blockEVF:
		return blockInfo{name: "EVF", kind: kindEvent, ver: 1, flags: true}
	case blockEVFV2:
		return blockInfo{name: "EVF_V2", kind: kindEvent, ver: 2, flags: true}
	case blockEVFV2Large:
		return blockInfo{name: "EVF_V2_LARGE", kind: kindEvent, ver: 2, flags: true, large: true}
	}
	return blockInfo{name: "0x" + strconv.FormatUint(uint64(t), 16), kind: kindUnknown}
}

// padLen returns the zero padding that follows a body of n bytes.
func padLen(n int) int { return (4 - n&3) & 3 }

var le = binary.LittleEndian
