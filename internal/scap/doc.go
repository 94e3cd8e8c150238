// Package scap reads and writes capture files in the scap format of
// sysdig and Falco (a pcapng-like sequence of blocks; plain or gzip): the
// section header, machine info, interface, user, process and fd lists, and
// event blocks of every version. It hands events on as the bytes of
// package event, and normalises captures written with separate enter and
// exit events into exit events that carry the enter parameters, as current
// falcosecurity-libs does.
//
// It knows nothing of rules, state or live capture.
package scap
