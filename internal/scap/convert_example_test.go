package scap_test

import (
	"encoding/binary"
	"fmt"

	"peregrine/internal/event"
	"peregrine/internal/scap"
)

// A read system call as an old driver wrote it: an enter event with fd and
// size, then an exit event with the result and the data. The converter
// keeps the enter event and hands on one exit event that carries all four
// parameters, as a current driver writes it.
func ExampleConverter() {
	c := scap.NewConverter()
	var b event.Builder
	var e event.Event

	b.Reset(6, 1000, 42) // read, enter
	b.Int(event.PTFD, 3)
	b.Uint(event.PTUint32, 64)
	b.Build(&e)
	_, ok, _ := c.Convert(&e)
	fmt.Println("enter delivered:", ok)

	b.Reset(7, 2000, 42) // read, exit
	b.Int(event.PTErrno, 5)
	b.Raw([]byte("hello"))
	b.Build(&e)
	out, ok, err := c.Convert(&e)
	if err != nil || !ok {
		panic(err)
	}
	fmt.Println(out.Type().Name(), out.Dir(), out.NumParams(), "params")
	fmt.Println("fd", int64(binary.LittleEndian.Uint64(out.Param(2))), "size", binary.LittleEndian.Uint32(out.Param(3)))
	s := c.Stats()
	fmt.Println("converted", s.Converted, "enter dropped", s.EnterDropped)
	// Output:
	// enter delivered: false
	// read < 4 params
	// fd 3 size 64
	// converted 1 enter dropped 1
}
