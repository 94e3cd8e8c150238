package state

// updater is the bookkeeping of State.Update: work deferred to the next
// event, free lists and the recency list of the thread table.
type updater struct{}
