package metrics

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is a private Prometheus registry holding a [Collector] and,
// unless [GroupGoRuntime] is skipped, the client library's process and Go
// runtime collectors. It is safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry
	log *slog.Logger
}

// New registers a Collector over snap (and the process and Go
// collectors) in a new registry. log receives the errors of scrapes; nil
// discards them.
func New(snap func() Snapshot, opt Options, log *slog.Logger) (*Metrics, error) {
	if snap == nil {
		return nil, fmt.Errorf("metrics: no snapshot function")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	cs := []prometheus.Collector{NewCollector(snap, opt)}
	if opt.Skip&GroupGoRuntime == 0 {
		cs = append(cs,
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
			collectors.NewGoCollector(),
		)
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: register collector: %w", err)
		}
	}
	return &Metrics{reg: reg, log: log}, nil
}

// Registry returns the registry, to gather from or to register more
// collectors in.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// maxScrapes bounds the scrapes served at once; more get 503.
const maxScrapes = 4

// Handler serves the metrics: the Prometheus text format, or the formats
// the client library negotiates when the scraper asks for them. A metric
// that cannot be gathered is logged and left out; the others are served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            scrapeLog{m.log},
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: maxScrapes,
	})
}

// scrapeLog adapts a slog.Logger to promhttp's error log.
type scrapeLog struct{ l *slog.Logger }

func (s scrapeLog) Println(v ...any) {
	s.l.Warn("metrics: scrape", "error", fmt.Sprint(v...))
}
