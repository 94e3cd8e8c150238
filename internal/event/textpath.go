package event

// Paths, socket paths, fd names and user names are "sanitized" before
// libsinsp 0.1.1 prints them: every byte outside printable ASCII (0x20 to
// 0x7e) is dropped, so UTF-8 names lose their non-ASCII letters and a tab
// or newline disappears. CHARBUF parameters (exe, comm, cwd, ...) are
// printed as they are, up to their NUL.

// appendSanitized appends the printable ASCII bytes of s.
func appendSanitized[S ~string | ~[]byte](dst []byte, s S) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x20 && c <= 0x7e {
			dst = append(dst, c)
		}
	}
	return dst
}

// cleanPath cleans dst[start:] in place, lexically like path.Clean (but
// an empty result stays empty), and returns dst cut to the new length.
// Writing never overtakes reading, so working in place is safe.
func cleanPath(dst []byte, start int) []byte {
	p := dst[start:]
	n := len(p)
	if n == 0 {
		return dst
	}
	rooted := p[0] == '/'
	r, w, dotdot := 0, 0, 0
	if rooted {
		r, w, dotdot = 1, 1, 1
	}
	for r < n {
		switch {
		case p[r] == '/':
			r++
		case p[r] == '.' && (r+1 == n || p[r+1] == '/'):
			r++
		case p[r] == '.' && p[r+1] == '.' && (r+2 == n || p[r+2] == '/'):
			r += 2
			switch {
			case w > dotdot:
				w--
				for w > dotdot && p[w] != '/' {
					w--
				}
			case !rooted:
				if w > 0 {
					p[w] = '/'
					w++
				}
				p[w], p[w+1] = '.', '.'
				w += 2
				dotdot = w
			}
		default:
			if rooted && w != 1 || !rooted && w != 0 {
				p[w] = '/'
				w++
			}
			for ; r < n && p[r] != '/'; r++ {
				p[w] = p[r]
				w++
			}
		}
	}
	return dst[:start+w]
}
