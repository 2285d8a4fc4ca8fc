/** One scenario's figures, as printed and written to bench/results/latest.json. */
export interface ScenarioResult {
  readonly name: string;
  readonly figures: Readonly<Record<string, number | string>>;
}

/**
 * Whether a figure meets its target from the issue, printed as a figure of its own beside it
 * (`'ratio: target met'`), so a run says met / not met for every target and the figure itself stays a number.
 */
export function target(value: number, direction: '≥' | '≤', limit: number): 'met' | 'not met' {
  return (direction === '≥' ? value >= limit : value <= limit) ? 'met' : 'not met';
}
