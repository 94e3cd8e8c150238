// Package incident correlates alerts from every Peregrine source (syscall
// rules, aws_cloudtrail, aws_guardduty, the compute sampler) and cost
// findings of `peregrine cloud cost` into incidents a responder can act on.
//
// # Signals and keys
//
// Every alert (one JSON line as `peregrine run -o json` and `peregrine
// replay -o json` print it, Falco's shape) and every cost finding becomes a
// [Signal]. From its output fields the signal gets resource keys, through
// the table in keys.go (one line per field name or name suffix):
//
//   - strong keys name one resource: an EC2 instance (i-...), a container
//     (12 hexadecimal digits; the 64-digit form is cut to 12), an image, an
//     access key (AKIA.../ASIA...), an IAM principal (ARN), a pool domain, a
//     pool endpoint (IP:port, or the IP alone in a network signal that
//     gives no port; loopback addresses are left out, since every network
//     namespace has its own);
//   - weak keys name a place many resources share: a host name, an account
//     and region.
//
// # Grouping
//
// Signals that share a strong key are joined with a union-find, so that
// sharing is transitive: a container alert and a GuardDuty finding naming
// the container and its instance, and a CloudTrail RunInstances of that
// instance, make one group. The window bounds it: the signals of one key
// are taken in time order and a signal is joined to the one before only
// when it starts at most the window after the latest end seen so far for
// that key; a key seen again after a longer pause starts a new group. A
// signal with only weak keys (a cost finding naming an account and region,
// an alert of a host process) joins every group that shares one of its
// weak keys and lies within the window of it; signals that join no group
// are grouped among themselves by their weak keys.
//
// # Categories
//
// Each signal falls into one category: cost (cost findings), compute
// (sustained CPU from the compute source), network (connections to pool
// ports, Stratum traffic, DNS requests for pool domains, GuardDuty DNS and
// network findings), runtime (miner processes, MSR module loads, container
// drift, GuardDuty runtime findings) or control-plane (CloudTrail), which
// is context rather than evidence.
//
// # Cryptomining and confidence
//
// A group is a cryptomining incident when one of its signals says mining:
// a tag "cryptomining" or "T1496", a known mining rule name, or a
// GuardDuty finding type of the CryptoCurrency family, BitcoinDomainRequest
// or CryptoMinerExecuted. Its confidence, 0 to 100, adds:
//
//   - 30 when the group holds a mining signal;
//   - 15 for each of the four evidence categories present (cost, compute,
//     network, runtime): independent views of the same abuse;
//   - 10, 7 or 4 when the highest priority of a signal is Critical or
//     above, Error, or Warning;
//   - 5 when control-plane context is present (CloudTrail shows how the
//     resource came to be);
//
// capped at 100. The level is high from 70, medium from 45, low below: a
// miner process alone at Critical is medium (55), with its pool connection
// high (70), and all four categories reach 100.
package incident
