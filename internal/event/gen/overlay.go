package main

// flagTables names, for each flags or enum parameter, the FlagTable
// variable of package event that holds its symbolic names (the third field
// of a param in libs' event_table.c). These are facts about the libs
// interface, written down here because the JSON dump does not carry them.
var flagTables = map[key]string{}

// dynTables gives, for each PT_DYN parameter, the Go expression of its
// []ParamType by index byte (libs' driver/dynamic_params_table.c).
var dynTables = map[key]string{}
