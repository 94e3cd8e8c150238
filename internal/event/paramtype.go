package event

// ParamType is the wire type of a parameter (enum ppm_param_type of libs;
// the numbers are those of the libs enum).
type ParamType uint8

// Parameter types. The comment gives the wire encoding (little-endian).
const (
	PTNone             ParamType = iota // no value
	PTInt8                              // 1 byte, signed
	PTInt16                             // 2 bytes, signed
	PTInt32                             // 4 bytes, signed
	PTInt64                             // 8 bytes, signed
	PTUint8                             // 1 byte
	PTUint16                            // 2 bytes
	PTUint32                            // 4 bytes
	PTUint64                            // 8 bytes
	PTCharbuf                           // NUL-terminated string
	PTBytebuf                           // raw bytes
	PTErrno                             // 8 bytes, signed; negative is -errno
	PTSockaddr                          // family byte, then address by family
	PTSocktuple                         // family byte, then both ends by family
	PTFD                                // 8 bytes, signed
	PTPID                               // 8 bytes, signed
	PTFDList                            // u16 count, then count x (i64 fd, u16 flags)
	PTFSPath                            // NUL-terminated path
	PTSyscallID                         // 2 bytes, a PPM_SC_* code
	PTSigType                           // 1 byte, a signal number
	PTRelTime                           // 8 bytes, ns
	PTAbsTime                           // 8 bytes, ns since the epoch
	PTPort                              // 2 bytes
	PTL4Proto                           // 1 byte
	PTSockFamily                        // 1 byte
	PTBool                              // 4 bytes
	PTIPv4Addr                          // 4 bytes, network order
	PTDyn                               // index byte, then a value of the type it selects
	PTFlags8                            // 1 byte, bit flags
	PTFlags16                           // 2 bytes, bit flags
	PTFlags32                           // 4 bytes, bit flags
	PTUID                               // 4 bytes; 0xffffffff is "none"
	PTGID                               // 4 bytes; 0xffffffff is "none"
	PTDouble                            // 8 bytes, IEEE 754
	PTSigSet                            // 4 bytes, signal mask
	PTCharbufArray                      // not used on the wire
	PTCharbufPairArray                  // not used on the wire
	PTIPv4Net                           // not used on the wire
	PTIPv6Addr                          // 16 bytes
	PTIPv6Net                           // not used on the wire
	PTIPAddr                            // 4 or 16 bytes
	PTIPNet                             // not used on the wire
	PTMode                              // 4 bytes, file mode
	PTFSRelPath                         // NUL-terminated path relative to a dirfd param
	PTEnumFlags8                        // 1 byte, one value of a set
	PTEnumFlags16                       // 2 bytes, one value of a set
	PTEnumFlags32                       // 4 bytes, one value of a set
	PTFD32                              // 4 bytes, signed
	PTPID32                             // 4 bytes, signed
	numParamTypes
)

var paramTypeNames = [numParamTypes]string{
	"NONE", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64",
	"CHARBUF", "BYTEBUF", "ERRNO", "SOCKADDR", "SOCKTUPLE", "FD", "PID", "FDLIST",
	"FSPATH", "SYSCALLID", "SIGTYPE", "RELTIME", "ABSTIME", "PORT", "L4PROTO",
	"SOCKFAMILY", "BOOL", "IPV4ADDR", "DYN", "FLAGS8", "FLAGS16", "FLAGS32", "UID",
	"GID", "DOUBLE", "SIGSET", "CHARBUFARRAY", "CHARBUF_PAIR_ARRAY", "IPV4NET",
	"IPV6ADDR", "IPV6NET", "IPADDR", "IPNET", "MODE", "FSRELPATH", "ENUMFLAGS8",
	"ENUMFLAGS16", "ENUMFLAGS32", "FD32", "PID32",
}

// String returns the libs name of t without its PT_ prefix ("FSPATH").
func (t ParamType) String() string {
	if t < numParamTypes {
		return paramTypeNames[t]
	}
	return "UNKNOWN"
}

// FixedSize returns the encoded size of a fixed-size type, or 0 for a type
// whose size varies (strings, buffers, addresses, lists, dynamic values).
func (t ParamType) FixedSize() int {
	switch t {
	case PTInt8, PTUint8, PTFlags8, PTEnumFlags8, PTSigType, PTL4Proto, PTSockFamily:
		return 1
	case PTInt16, PTUint16, PTFlags16, PTEnumFlags16, PTPort, PTSyscallID:
		return 2
	case PTInt32, PTUint32, PTFlags32, PTEnumFlags32, PTUID, PTGID, PTMode, PTBool,
		PTSigSet, PTIPv4Addr, PTFD32, PTPID32:
		return 4
	case PTInt64, PTUint64, PTErrno, PTFD, PTPID, PTRelTime, PTAbsTime, PTDouble:
		return 8
	case PTIPv6Addr:
		return 16
	}
	return 0
}

// Signed reports whether a fixed-size integer type is signed.
func (t ParamType) Signed() bool {
	switch t {
	case PTInt8, PTInt16, PTInt32, PTInt64, PTErrno, PTFD, PTPID, PTFD32, PTPID32:
		return true
	}
	return false
}

// ParamFormat is how a numeric parameter is printed (the PF_* values of libs).
type ParamFormat uint8

// Print formats.
const (
	PFNA          ParamFormat = iota // no format (strings, buffers)
	PFDec                            // decimal
	PFHex                            // hexadecimal
	PF10PaddedDec                    // decimal, zero-padded to 9 digits (libs prints %09 despite the name)
	PFID                             // an id (printed in decimal)
	PFDir                            // a direction
	PFOct                            // octal
)

// FlagName is the symbolic name of one flag bit or one enum value.
type FlagName struct {
	Name  string
	Value uint32
}

// FlagTable lists the symbolic names of a flags or enum parameter, in the
// order libs prints them.
type FlagTable struct {
	Name    string // the libs table name, e.g. "file_flags"
	Entries []FlagName
}
