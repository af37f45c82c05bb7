// A Prometheus text-format parser (a port of the Python client's), typed for the tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheusTextFormat = require('parse-prometheus-text-format') as (text: string) => PrometheusFamily[];

export interface PrometheusSample {
  value?: string;
  labels?: Record<string, string>;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}

export interface PrometheusFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: PrometheusSample[];
}

/** Parses a scrape; throws on text the format does not allow. */
export function parsePrometheus(text: string): Map<string, PrometheusFamily> {
  return new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
}

/**
 * The sum of a family's samples whose labels include `labels`; for a
 * histogram, its observations (the +Inf bucket). The parser drops the
 * labels of a labelled histogram's samples, so filter histograms by labels
 * only where one label set exists.
 */
export function sampleTotal(families: Map<string, PrometheusFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (!family) return 0;
  return family.metrics
    .filter((sample) => Object.entries(labels).every(([label, value]) => sample.labels?.[label] === value))
    .reduce((total, sample) => total + Number(sample.value ?? sample.count ?? sample.buckets?.['+Inf'] ?? 0), 0);
}
