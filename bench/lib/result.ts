/** One scenario's figures, as printed and written to bench/results/latest.json. */
export interface ScenarioResult {
  readonly name: string;
  readonly figures: Readonly<Record<string, number | string>>;
}
