package psa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Source says where a document came from.
type Source struct {
	// File is the path as given, or "-" for standard input.
	File string `json:"file"`
	// Doc is the 1-based index of the document among the non-empty
	// documents of the file.
	Doc int `json:"document"`
	// Item is the 1-based index in the items of a List document, 0 when
	// the object is the document itself.
	Item int `json:"item,omitempty"`
	// Line is the 1-based line where the document's content starts.
	Line int `json:"line"`
}

// String names the source as "file:line document N" (and "item M" for
// an object of a List).
func (s Source) String() string {
	var b strings.Builder
	b.WriteString(s.File)
	if s.Line > 0 {
		fmt.Fprintf(&b, ":%d", s.Line)
	}
	fmt.Fprintf(&b, " document %d", s.Doc)
	if s.Item > 0 {
		fmt.Fprintf(&b, " item %d", s.Item)
	}
	return b.String()
}

// DecodeError is a document that could not be audited.
type DecodeError struct {
	Source
	Err error
}

// Error prints the source first, then the cause.
func (e *DecodeError) Error() string { return e.Source.String() + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// document is one YAML or JSON document of a file, before decoding.
type document struct {
	src  Source
	yaml bool   // data is YAML (converted to JSON when decoded)
	data []byte // the document's text
}

// Decode reads every document of a file's contents. Objects that carry no
// pod template and are not namespaces (Services, ConfigMaps, ...) are
// counted in skipped. Documents that cannot be decoded are returned as
// errors; the others are still returned.
func Decode(file string, data []byte) (objs []Object, skipped int, errs []*DecodeError) {
	docs, splitErr := split(file, data)
	if splitErr != nil {
		errs = append(errs, splitErr)
	}
	for _, d := range docs {
		o, s, e := decodeDocument(d)
		objs = append(objs, o...)
		skipped += s
		errs = append(errs, e...)
	}
	return objs, skipped, errs
}

// split cuts a file into documents: a JSON stream when the first character
// is '{' or '[', YAML documents separated by "---" lines otherwise.
func split(file string, data []byte) ([]document, *DecodeError) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return splitJSON(file, data)
	}
	return splitYAML(file, data), nil
}

// splitYAML cuts at lines starting with "---" (directives end marker) and
// drops documents holding only comments and blank lines, as Helm renders
// them.
func splitYAML(file string, data []byte) []document {
	var (
		docs  []document
		cur   []byte
		first int // line of the first content line of cur, 0 if none yet
	)
	flush := func() {
		if first > 0 {
			docs = append(docs, document{
				src:  Source{File: file, Doc: len(docs) + 1, Line: first},
				yaml: true,
				data: cur,
			})
		}
		cur, first = nil, 0
	}
	line := 0
	for rest := data; len(rest) > 0; {
		line++
		var text []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			text, rest = rest[:i+1], rest[i+1:]
		} else {
			text, rest = rest, nil
		}
		bare := bytes.TrimRight(text, "\r\n")
		if isSeparator(bare) {
			flush()
			continue
		}
		if first == 0 {
			content := bytes.TrimSpace(bare)
			if len(content) == 0 || content[0] == '#' {
				// Leading blank and comment lines: keep them so that
				// the parser's line numbers stay right, but they do not
				// start the document.
				cur = append(cur, '\n')
				continue
			}
			if bytes.Equal(content, []byte("...")) || bytes.HasPrefix(content, []byte("%")) {
				cur = append(cur, '\n')
				continue
			}
			first = line
		}
		cur = append(cur, text...)
	}
	flush()
	return docs
}

// isSeparator reports whether a line is a YAML document separator.
func isSeparator(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t'
}

// splitJSON reads a stream of JSON values; an array's elements are
// documents of their own.
func splitJSON(file string, data []byte) ([]document, *DecodeError) {
	var docs []document
	dec := json.NewDecoder(bytes.NewReader(data))
	var end int64
	for {
		start := end
		for start < int64(len(data)) && isSpace(data[start]) {
			start++
		}
		if start >= int64(len(data)) {
			return docs, nil
		}
		line := 1 + bytes.Count(data[:start], []byte("\n"))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return docs, &DecodeError{
				Source: Source{File: file, Doc: len(docs) + 1, Line: line},
				Err:    fmt.Errorf("json: %w", err),
			}
		}
		end = dec.InputOffset()
		if bytes.HasPrefix(raw, []byte("[")) {
			var elems []json.RawMessage
			if err := json.Unmarshal(raw, &elems); err != nil {
				return docs, &DecodeError{Source: Source{File: file, Doc: len(docs) + 1, Line: line}, Err: fmt.Errorf("json: %w", err)}
			}
			for _, e := range elems {
				docs = append(docs, document{src: Source{File: file, Doc: len(docs) + 1, Line: line}, data: e})
			}
			continue
		}
		docs = append(docs, document{src: Source{File: file, Doc: len(docs) + 1, Line: line}, data: raw})
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// yamlLine finds the "line N" a YAML parser error names, relative to the
// document's text.
var yamlLine = regexp.MustCompile(`\bline (\d+)\b`)

// toJSON converts a document to JSON. YAML errors name the line in the
// file, not in the document.
func toJSON(d document) ([]byte, error) {
	if !d.yaml {
		return d.data, nil
	}
	j, err := yaml.YAMLToJSON(d.data)
	if err != nil {
		// The document text starts at line 1 of the file's
		// document chunk: the chunk begins after the separator, and
		// the leading lines were kept, so lines count from there.
		msg := yamlLine.ReplaceAllStringFunc(err.Error(), func(m string) string {
			n, convErr := strconv.Atoi(strings.TrimPrefix(m, "line "))
			if convErr != nil {
				return m
			}
			return "line " + strconv.Itoa(n+chunkStart(d))
		})
		return nil, fmt.Errorf("malformed YAML: %s", strings.TrimPrefix(msg, "error converting YAML to JSON: "))
	}
	return j, nil
}

// chunkStart is the offset to add to a line number within a document's
// text to get the file's line: the document's text starts with the blank
// and comment lines that precede its first content line.
func chunkStart(d document) int {
	leading := 0
	for _, c := range d.data {
		if c != '\n' {
			break
		}
		leading++
	}
	return d.src.Line - leading - 1
}
