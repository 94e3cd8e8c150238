// Package config reads peregrine.yaml, the agent's configuration file, into
// a typed [Config].
//
// The keys are Falco's where a Falco user looks for them (falco.yaml:
// rules_files, priority, json_output, stdout_output, http_output, webserver,
// metrics, ...), with Falco's defaults unless [Config] says otherwise, plus
// Peregrine's own under "peregrine:". A Falco configuration file loads: keys
// of Falco's that Peregrine does not implement (plugins, engine, grpc, ...)
// are warned about as such and ignored; keys nobody knows are warned about
// with their position and, when one is close, the key that was probably
// meant.
//
// [Load] reads a file the way Falco does:
//
//  1. the main file; in every scalar value ${NAME} becomes the value of the
//     environment variable NAME (nothing when it is unset, with a warning)
//     and $${ stands for a literal ${;
//  2. --set options whose key starts with config_files;
//  3. the files of config_files, in order (a directory contributes its
//     *.yaml and *.yml files in lexical order), each merged into the main
//     one by its strategy: "append" (the default: a top-level list is
//     extended, any other top-level key replaced whole), "override" (every
//     top-level key replaced whole) or "add-only" (only keys not set yet are
//     added). Included files may not include others;
//  4. every other --set option, in order: key=value where key is a dotted
//     path with list indexes (http_output.url, rules_files[0],
//     append_output[0].extra_output, rules_files[] to append) and value is
//     a YAML scalar, or a flow list or mapping when it starts with [ or {;
//  5. decoding and checking: every problem is reported with the file, line
//     and column (or the --set option) it comes from, all of them at once,
//     and a configuration with errors is not returned.
//
// # Where we differ from Falco
//
//   - Errors: Falco stops at the first bad value, or quietly uses the
//     default when a value has the wrong type; we report every problem,
//     and a wrong type, a negative size, a bad URL, address, duration or
//     name is an error.
//   - Defaults: syslog_output.enabled, log_syslog, webserver.enabled and
//     watch_config_files are false (Falco's falco.yaml turns them on):
//     a configuration-less Peregrine runs anywhere, containers and CI
//     included, without a syslog daemon, without opening a port and
//     without watching files. outputs_queue.capacity is 1024 per output,
//     where Falco's 0 means unbounded: an unbounded queue trades a counted
//     drop for an out-of-memory kill, so 0 means the default here (with a
//     warning).
//   - config_files: a directory contributes its *.yaml and *.yml files
//     (Falco: every regular file); an entry that does not exist is warned
//     about (Falco: skipped silently). Relative paths are relative to the
//     working directory, as in Falco (and so are those of rules_files).
//   - --set on a key the files do not have starts from nothing, not from
//     the default (as Falco's -o): --set append_output[0].extra_output=x
//     makes a list of that one entry, without Falco's default
//     suggested_output entry.
//   - ${NAME} is expanded once: the value of a variable is not scanned
//     again for ${...} (Falco's loop rescans it), and a lone $ does not end
//     the expansion of the rest of the value (in Falco it does: "$5 and
//     ${X}" keeps its ${X}). --set values are not expanded (as Falco's -o):
//     the shell has done that already.
//   - Duplicate keys in a mapping are an error.
//   - Durations (metrics.interval, ...) take Prometheus's form (1h30m,
//     500ms, 2d) as Falco's metrics.interval does, or Go's (1.5s).
//   - Ours: syslog_output.{address,format,facility,tag},
//     http_output.{custom_headers,timeout} and the peregrine section.
package config
