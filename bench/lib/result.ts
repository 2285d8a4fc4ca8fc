/** One scenario's figures, as printed and written to bench/results/latest.json. */
export interface ScenarioResult {
  readonly name: string;
  readonly figures: Readonly<Record<string, number | string>>;
}

/**
 * A target as one figure: the name says the limit, the value says the figure and whether it is met,
 * e.g. `{ 'busiest node, % of commands (target ≤ 45)': '38.2 — met' }`.
 */
export function target(
  figure: string,
  value: number,
  limit: number,
  direction: 'at most' | 'at least',
): Record<string, string> {
  const met = direction === 'at most' ? value <= limit : value >= limit;
  const sign = direction === 'at most' ? '≤' : '≥';
  return { [`${figure} (target ${sign} ${limit})`]: `${value} — ${met ? 'met' : 'not met'}` };
}
