/** One scenario's figures, as printed and written to bench/results/latest.json. */
export interface ScenarioResult {
  readonly name: string;
  readonly figures: Readonly<Record<string, number | string>>;
}

/**
 * A figure beside its target, for the printed table and latest.json: `"38 (target ≤ 50: met)"`.
 * `at most` for latencies, bytes and commands; `at least` for ratios.
 */
export function target(value: number, limit: number, direction: 'at most' | 'at least'): string {
  const met = direction === 'at most' ? value <= limit : value >= limit;
  return `${value} (target ${direction === 'at most' ? '≤' : '≥'} ${limit}: ${met ? 'met' : 'not met'})`;
}
