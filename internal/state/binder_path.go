package state

// joinPath appends to dst the path p made absolute against dir (when p
// is relative) and cleaned lexically: repeated slashes become one, "."
// elements go, ".." removes the element before it (none above the root),
// and a trailing slash is dropped. It is what libsinsp's path
// concatenation gives for the paths of events, without allocating when
// dst has room. An empty p gives dir cleaned; an empty dir counts as "/".
func joinPath(dst []byte, dir, p []byte) []byte {
	start := len(dst)
	dst = append(dst, '/')
	if len(p) == 0 || p[0] != '/' {
		dst = appendElems(dst, start, dir)
	}
	dst = appendElems(dst, start, p)
	return dst
}

// appendElems appends the elements of p to the rooted path in
// dst[start:], which always starts with '/' and has no trailing slash
// unless it is the root.
func appendElems(dst []byte, start int, p []byte) []byte {
	for i := 0; i < len(p); {
		for i < len(p) && p[i] == '/' {
			i++
		}
		j := i
		for j < len(p) && p[j] != '/' {
			j++
		}
		elem := p[i:j]
		i = j
		switch {
		case len(elem) == 0 || len(elem) == 1 && elem[0] == '.':
		case len(elem) == 2 && elem[0] == '.' && elem[1] == '.':
			// Drop the last element, staying at the root.
			k := len(dst) - 1
			for k > start && dst[k] != '/' {
				k--
			}
			if k == start {
				dst = dst[:start+1]
			} else {
				dst = dst[:k]
			}
		default:
			if len(dst) > start+1 {
				dst = append(dst, '/')
			}
			dst = append(dst, elem...)
		}
	}
	return dst
}
