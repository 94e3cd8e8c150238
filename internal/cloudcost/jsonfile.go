package cloudcost

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// readJSON reads a Cost Explorer or Cost Anomaly Detection JSON file: one
// response object, several concatenated (as paginated CLI calls write them)
// or an array of them.
func (r *Reader) readJSON(name string, in *bufio.Reader, st FileStats) (FileStats, []error) {
	data, err := io.ReadAll(in)
	if err != nil {
		st.Skipped++
		return st, []error{&Error{File: name, Err: readErr(err)}}
	}
	var docs []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var doc json.RawMessage
		if err := dec.Decode(&doc); err == io.EOF {
			break
		} else if err != nil {
			st.Skipped++
			return st, []error{syntaxError(name, data, dec.InputOffset(), err)}
		}
		docs = append(docs, doc)
	}
	if len(docs) == 1 && bytes.HasPrefix(bytes.TrimSpace(docs[0]), []byte("[")) {
		var arr []json.RawMessage
		if err := json.Unmarshal(docs[0], &arr); err != nil {
			st.Skipped++
			return st, []error{&Error{File: name, Path: "$", Err: err}}
		}
		docs = arr
	}
	var errs []error
	for i, doc := range docs {
		path := "$"
		if len(docs) > 1 {
			path = "$[" + strconv.Itoa(i) + "]"
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(doc, &top); err != nil {
			st.Skipped++
			errs = append(errs, &Error{File: name, Path: path, Err: fmt.Errorf("want a response object: %w", err)})
			continue
		}
		switch {
		case top["ResultsByTime"] != nil:
			st.Format = FormatExplorer
			errs = r.explorer(name, path, top, &st, errs)
		case top["Anomalies"] != nil:
			st.Format = FormatAnomalies
			errs = r.anomalies(name, path, top["Anomalies"], &st, errs)
		default:
			st.Skipped++
			errs = append(errs, &Error{File: name, Path: path, Err: errors.New("neither ResultsByTime (GetCostAndUsage) nor Anomalies (GetAnomalies)")})
		}
	}
	return st, errs
}

// syntaxError locates a JSON syntax error by line and column.
func syntaxError(name string, data []byte, off int64, err error) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	off = min(off, int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	// The offset counts the offending byte: it is at column off-nl-1.
	col := max(off-int64(bytes.LastIndexByte(data[:off], '\n'))-1, 1)
	return &Error{File: name, Line: line, Err: fmt.Errorf("column %d: malformed JSON: %w", col, err)}
}

// fieldError makes a decoding error of an element say which field it was,
// as a JSON path below base.
func fieldError(name, base string, err error) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return &Error{File: name, Path: base + "." + te.Field, Err: fmt.Errorf("%s where %s is wanted", te.Value, te.Type)}
	}
	return &Error{File: name, Path: base, Err: err}
}

// amount reads a Cost Explorer amount, a string such as "12.34" (a bare
// number is taken too).
func amount(raw json.RawMessage) (float64, error) {
	s := string(bytes.TrimSpace(raw))
	if len(s) > 0 && s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
	}
	return parseCost(s)
}
