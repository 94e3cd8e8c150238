package docsrc

import "time"

// Cursor is the document an evaluation is at. The extractors a [Binder]
// makes read it; the [Evaluator] moves it from one document to the next.
type Cursor struct {
	doc   []byte
	num   uint64
	ts    time.Time
	first time.Time
	prev  time.Time
	valid bool

	members []member // the top-level members, for Lookup
	indexed uint64   // the document number members belong to
}

// Set moves the cursor to doc, which happened at t.
func (c *Cursor) Set(doc []byte, t time.Time) {
	if !c.valid {
		c.first = t
		c.prev = t
	} else {
		c.prev = c.ts
	}
	c.doc, c.ts, c.valid = doc, t, true
	c.num++
}

// Doc returns the current document; nil before the first.
func (c *Cursor) Doc() []byte { return c.doc }

// Text returns the current document as a string that shares its memory
// (no copy): what gjson reads. It is valid while the document is.
func (c *Cursor) Text() string {
	return Text(c.doc)
}

// Num returns the number of the current document, counting from 1.
func (c *Cursor) Num() uint64 { return c.num }

// Time returns the time of the current document.
func (c *Cursor) Time() time.Time { return c.ts }

// Valid reports whether the cursor is at a document.
func (c *Cursor) Valid() bool { return c.valid }
