package metrics

import "github.com/prometheus/client_golang/prometheus"

// falcoHelp is the help text of Falco's metrics: Falco's own points at
// its documentation.
const falcoHelp = "https://falco.org/docs/metrics/ (Falco-compatible)"

// descs are the metrics a Collector exports, apart from the rule
// counters, whose labels depend on each rule's tags.
type descs struct {
	// Falco's wrapper metrics.
	versionInfo, kernelInfo, hostnameInfo, engineInfo *prometheus.Desc
	rulesFileInfo, configFileInfo                     *prometheus.Desc
	startTS, duration, bootTS, numCPUs, reloadTS      *prometheus.Desc
	outputDrops                                       *prometheus.Desc

	// Falco's resource utilization (falcosecurity_falco_*).
	cpu, rss, vsz, pss, containerMem            *prometheus.Desc
	hostCPU, hostMem, hostProcsRunning, hostFDs *prometheus.Desc

	// Falco's kernel counters (falcosecurity_scap_*).
	nEvts, nDropsBuffer, nDropsScratch, nDrops *prometheus.Desc

	// Falco's state counters (falcosecurity_scap_*).
	nThreads, nFDs, nContainers                    *prometheus.Desc
	addedThreads, removedThreads, addedFDs, remFDs *prometheus.Desc
	failedThreads, failedFDs                       *prometheus.Desc

	// Ours.
	events, eventsByType              *prometheus.Desc
	kSeen, kSent, kDropped, kFiltered *prometheus.Desc
	threadsEvicted                    *prometheus.Desc
	contWaits, contLate               *prometheus.Desc
	rulesLoaded, alerts               *prometheus.Desc
	outSent, outDropped, outFailed    *prometheus.Desc
	outAbandoned                      *prometheus.Desc
	outQueued, outCapacity            *prometheus.Desc
	reloads                           *prometheus.Desc
	srcEvents, srcSkipped, srcReqs    *prometheus.Desc
	srcQueued, srcCapacity            *prometheus.Desc
}

// The rule counter metric, whose label names vary with each rule's tags.
const (
	ruleMatchesName = "falcosecurity_falco_rules_matches_total"
	ruleMatchesHelp = "Matches of one rule; labels rule_name, priority (0 emergency ... 7 debug), source and tag_<tag>=\"true\" per tag. " + falcoHelp
)

func newDescs() descs {
	falco := func(name string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, falcoHelp, labels, nil)
	}
	ours := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return descs{
		versionInfo:    falco("falcosecurity_falco_version_info", "version"),
		kernelInfo:     falco("falcosecurity_falco_kernel_release_info", "kernel_release"),
		hostnameInfo:   falco("falcosecurity_evt_hostname_info", "hostname"),
		engineInfo:     falco("falcosecurity_scap_engine_name_info", "engine_name", "evt_source"),
		rulesFileInfo:  falco("falcosecurity_falco_sha256_rules_files_info", "file_name", "sha256"),
		configFileInfo: falco("falcosecurity_falco_sha256_config_files_info", "file_name", "sha256"),
		startTS:        falco("falcosecurity_falco_start_timestamp_nanoseconds"),
		duration:       falco("falcosecurity_falco_duration_seconds_total"),
		bootTS:         falco("falcosecurity_falco_host_boot_timestamp_nanoseconds"),
		numCPUs:        falco("falcosecurity_falco_host_num_cpus_total"),
		reloadTS:       falco("falcosecurity_falco_reload_timestamp_nanoseconds"),
		outputDrops:    falco("falcosecurity_falco_outputs_queue_num_drops_total"),

		cpu:              falco("falcosecurity_falco_cpu_usage_ratio"),
		rss:              falco("falcosecurity_falco_memory_rss_bytes"),
		vsz:              falco("falcosecurity_falco_memory_vsz_bytes"),
		pss:              falco("falcosecurity_falco_memory_pss_bytes"),
		containerMem:     falco("falcosecurity_falco_container_memory_used_bytes"),
		hostCPU:          falco("falcosecurity_falco_host_cpu_usage_ratio"),
		hostMem:          falco("falcosecurity_falco_host_memory_used_bytes"),
		hostProcsRunning: falco("falcosecurity_falco_host_procs_running_total"),
		hostFDs:          falco("falcosecurity_falco_host_open_fds_total"),

		nEvts:         falco("falcosecurity_scap_n_evts_total"),
		nDropsBuffer:  falco("falcosecurity_scap_n_drops_buffer_total"),
		nDropsScratch: falco("falcosecurity_scap_n_drops_scratch_map_total"),
		nDrops:        falco("falcosecurity_scap_n_drops_total"),

		nThreads:       falco("falcosecurity_scap_n_threads_total"),
		nFDs:           falco("falcosecurity_scap_n_fds_total"),
		nContainers:    falco("falcosecurity_scap_n_containers_total"),
		addedThreads:   falco("falcosecurity_scap_n_added_threads_total"),
		removedThreads: falco("falcosecurity_scap_n_removed_threads_total"),
		addedFDs:       falco("falcosecurity_scap_n_added_fds_total"),
		remFDs:         falco("falcosecurity_scap_n_removed_fds_total"),
		failedThreads:  falco("falcosecurity_scap_n_failed_thread_lookups_total"),
		failedFDs:      falco("falcosecurity_scap_n_failed_fd_lookups_total"),

		events:         ours("peregrine_events_total", "Events the engine processed."),
		eventsByType:   ours("peregrine_events_by_type_total", "Events the engine processed, by event type (types not seen yet are left out).", "evt_type"),
		kSeen:          ours("peregrine_kernel_events_seen_total", "System calls and process exits the kernel probes saw, wanted or not."),
		kSent:          ours("peregrine_kernel_events_sent_total", "Events the kernel probes wrote into the ring buffer."),
		kDropped:       ours("peregrine_kernel_events_dropped_total", "Events the kernel probes lost: reason ring_full (the ring buffer was full) or too_large.", "reason"),
		kFiltered:      ours("peregrine_kernel_events_filtered_total", "Events the kernel probes skipped because no loaded rule needs their type."),
		threadsEvicted: ours("peregrine_state_threads_evicted_total", "Threads dropped from the thread table to keep it within its size limit."),
		contWaits:      ours("peregrine_container_metadata_waits_total", "Events that waited for their container's metadata from the runtime."),
		contLate:       ours("peregrine_container_metadata_late_total", "Events that gave up waiting for their container's metadata (container fields empty)."),
		rulesLoaded:    ours("peregrine_rules_loaded", "Rules the engine runs."),
		alerts:         ours("peregrine_alerts_total", "Alerts raised, internal ones (event drops, output drops) included."),
		outSent:        ours("peregrine_output_sent_total", "Alerts an output delivered.", "output"),
		outDropped:     ours("peregrine_output_dropped_total", "Alerts an output dropped because its queue was full.", "output"),
		outFailed:      ours("peregrine_output_failed_total", "Alerts an output gave up on after its retries.", "output"),
		outAbandoned:   ours("peregrine_output_abandoned_total", "Alerts still queued or being written when the outputs closed and ran out of time.", "output"),
		outQueued:      ours("peregrine_output_queue_length", "Alerts waiting in an output's queue.", "output"),
		outCapacity:    ours("peregrine_output_queue_capacity", "Capacity of an output's queue (0: unbounded).", "output"),
		reloads:        ours("peregrine_reloads_total", "Hot reloads of rules and configuration, by result (ok or failed).", "result"),
		srcEvents:      ours("peregrine_source_events_total", "Events of a source received over HTTP (the k8s_audit webhook) that the rules evaluated.", "source"),
		srcSkipped:     ours("peregrine_source_records_skipped_total", "Records of a source received over HTTP that could not be evaluated (no time, not an event).", "source"),
		srcReqs:        ours("peregrine_source_requests_total", "Requests to a source's webhook, by result: accepted, unauthorized, too_large, bad_request, bad_method or queue_full.", "source", "result"),
		srcQueued:      ours("peregrine_source_queue_length", "Batches of a source waiting for the rules.", "source"),
		srcCapacity:    ours("peregrine_source_queue_capacity", "Batches a source's queue holds; beyond, requests are refused (queue_full).", "source"),
	}
}
