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

/**
 * The k6 image load tests run (the official one; ballast never builds k6). The env names below are this
 * version's: k6 2.1 moved native histograms from K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM to K6_FEATURES.
 */
export const K6_IMAGE = 'grafana/k6:2.3.0';

/** The environment that makes k6's remote-write output write Trend metrics in `mode`. */
export function k6MetricsEnv(mode: K6MetricsMode): { name: string; value: string }[] {
  return mode === 'native-histograms'
    ? [{ name: 'K6_FEATURES', value: 'native-histograms' }]
    : [{ name: 'K6_PROMETHEUS_RW_TREND_STATS', value: K6_TREND_STATS.join(',') }];
}

/**
 * The metrics k6 itself produces (its built-in metrics), which thresholds may name; a threshold on a
 * custom metric names one the script defines.
 */
export const K6_BUILTIN_METRICS = [
  'checks',
  'data_received',
  'data_sent',
  'dropped_iterations',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_duration',
  'http_req_failed',
  'http_req_receiving',
  'http_req_sending',
  'http_req_tls_handshaking',
  'http_req_waiting',
  'http_reqs',
  'iteration_duration',
  'iterations',
  'vus',
  'vus_max',
] as const;

/**
 * The series k6's remote-write output writes for the metrics ballast's dashboards read, per mode (names
 * from k6's documentation of the output: `k6_` prefix, `_total` for counters, `_rate` for rates, base-unit
 * suffix for native histograms, one gauge per trend statistic otherwise).
 */
export function k6Series(mode: K6MetricsMode): string[] {
  const trends = mode === 'native-histograms' ? ['k6_http_req_duration_seconds'] : ['k6_http_req_duration_p95', 'k6_http_req_duration_p99', 'k6_http_req_duration_avg', 'k6_http_req_duration_max'];
  return ['k6_http_reqs_total', 'k6_http_req_failed_rate', 'k6_vus', 'k6_checks_rate', 'k6_iterations_total', ...trends];
}
