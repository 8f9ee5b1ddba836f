/**
 * How k6 writes its Trend metrics (`http_req_duration`...) through Prometheus remote write. One platform
 * setting: the dashboards ballast installs and the load tests it runs both read it, so they cannot
 * disagree (a dashboard built for native histograms shows nothing for trend statistics, and back).
 *
 * - `native-histograms`: each Trend is one native histogram, `k6_<metric>_seconds`; any quantile can be
 *   computed afterwards. Prometheus 3.9 and newer accept them with only the remote-write receiver on.
 * - `trend-stats`: k6 computes the statistics in `K6_TREND_STATS` and writes one gauge each,
 *   `k6_<metric>_p95`...
 */
export type K6MetricsMode = 'native-histograms' | 'trend-stats';

export const K6_METRICS_MODES: readonly K6MetricsMode[] = ['native-histograms', 'trend-stats'];

/** The Trend statistics k6 writes in `trend-stats` mode (the value of K6_PROMETHEUS_RW_TREND_STATS). */
export const K6_TREND_STATS = ['p(95)', 'p(99)', 'avg', 'max'] as const;

/** The grafana.com k6 dashboard made for each mode. */
export const K6_DASHBOARD_ID: Record<K6MetricsMode, number> = { 'native-histograms': 18030, 'trend-stats': 19665 };

/**
 * PromQL for a quantile of k6's request duration (seconds) over the series `selector` selects, in the
 * platform's mode. `trend-stats` only has the quantiles of K6_TREND_STATS.
 */
export function k6DurationQuantile(mode: K6MetricsMode, quantile: 0.95 | 0.99, selector: string, range = '$__rate_interval'): string {
  if (mode === 'trend-stats') return `max(k6_http_req_duration_p${Math.round(quantile * 100)}{${selector}})`;
  return `histogram_quantile(${quantile}, sum(rate(k6_http_req_duration_seconds{${selector}}[${range}])))`;
}
