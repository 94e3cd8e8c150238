package event

//go:generate go run ./gen -in ../../../shared/reference/events_new.json -out table_gen.go
