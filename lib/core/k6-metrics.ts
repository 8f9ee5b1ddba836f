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

/** The type of each built-in k6 metric (k6's documentation, "Built-in metrics"), which names its series. */
export const K6_BUILTIN_METRIC_TYPES: Record<(typeof K6_BUILTIN_METRICS)[number], 'counter' | 'gauge' | 'rate' | 'trend'> = {
  checks: 'rate',
  data_received: 'counter',
  data_sent: 'counter',
  dropped_iterations: 'counter',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  http_req_receiving: 'trend',
  http_req_sending: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_waiting: 'trend',
  http_reqs: 'counter',
  iteration_duration: 'trend',
  iterations: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
};

/**
 * The series k6's remote-write output writes for its built-in metrics in `mode` (k6's documentation of
 * the output, "Metrics mapping": the `k6_` prefix, `_total` for a counter, `_rate` for a rate, the name
 * alone for a gauge; a trend is one native histogram in its base unit, `_seconds` for the time trends,
 * or one gauge per trend statistic, `k6_<metric>_p95`...).
 */
export function k6Series(mode: K6MetricsMode): string[] {
  const stats = K6_TREND_STATS.map((s) => s.replace(/[()]/g, ''));
  return K6_BUILTIN_METRICS.flatMap((m) => {
    switch (K6_BUILTIN_METRIC_TYPES[m]) {
      case 'counter':
        return [`k6_${m}_total`];
      case 'rate':
        return [`k6_${m}_rate`];
      case 'gauge':
        return [`k6_${m}`];
      case 'trend':
        return mode === 'native-histograms' ? [`k6_${m}_seconds`] : stats.map((s) => `k6_${m}_${s}`);
    }
  });
}

/** A statistic of a k6 time trend that both modes can show. */
export type K6TrendStat = 'p95' | 'p99' | 'avg';

/**
 * PromQL for a statistic (seconds) of the k6 time trend `metric` (`http_req_duration`...) over the series
 * `selector` selects, per `by` labels (comma-separated, or '' for one series), in `mode`: computed from the
 * native histogram, or the gauge k6 wrote for that statistic.
 */
export function k6TrendStat(mode: K6MetricsMode, metric: string, stat: K6TrendStat, selector: string, by = '', range = '$__rate_interval'): string {
  const grouping = by ? ` by (${by}) ` : '';
  if (mode === 'trend-stats') return `max${grouping}(k6_${metric}_${stat}{${selector}})`;
  const histogram = `sum${grouping}(rate(k6_${metric}_seconds{${selector}}[${range}]))`;
  return stat === 'avg' ? `histogram_avg(${histogram})` : `histogram_quantile(0.${stat.slice(1)}, ${histogram})`;
}
