package docsrc

import (
	"time"

	"peregrine/internal/field"
)

// Def describes one document source: what it is called, how its own
// fields read a document, and how a batch splits into documents.
type Def struct {
	// Source is the source name rules give in `source:` (k8s_audit).
	Source string
	// Plugin is the name of the Falco plugin the source stands in for,
	// the value of evt.pluginname (k8saudit).
	Plugin string
	// Bind makes the extractor of one of the source's own fields: every
	// field of the source's catalog except evt.*, json.* and jevt.*,
	// which the [Binder] answers itself. The extractor reads the
	// document the cursor is at.
	Bind func(c *Cursor, f *field.Field, arg field.Arg) (field.Extractor, error)
	// Records splits a batch (a request body, a line of a log file) into
	// documents and calls each for every one with its time, in order; a
	// record it cannot use (no time, not an object) goes to bad and the
	// rest go on. The error is for a batch that is not of the source's
	// shape at all. Documents must be sub-slices of body: no copies.
	Records func(body []byte, each func(doc []byte, t time.Time), bad func(error)) error
	// Observe, if set, sees every document once, in the order they are
	// evaluated, after the cursor moved to it and before any rule reads
	// it: for sources whose fields depend on what came before (what an
	// account has done so far). Whatever it keeps belongs to one
	// evaluator goroutine, like the cursor.
	Observe func(c *Cursor)
}
