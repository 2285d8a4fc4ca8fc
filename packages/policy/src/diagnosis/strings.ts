import type { ChannelName } from '../types.ts';
import type { DiagnosisCode, DiagnosisFacts } from './types.ts';

/**
 * The words of diagnoses in one language, one file per locale (like the message templates). A
 * summary says what happened in plain words for support staff; a suggestion says what to do next.
 */
export interface DiagnosisStrings {
  /** Each code's summary and suggestion. */
  readonly codes: Readonly<
    Record<
      DiagnosisCode,
      { summary(facts: DiagnosisFacts): string; suggestion(facts: DiagnosisFacts): string }
    >
  >;
  /** How a channel is named inside a sentence. */
  readonly channels: Readonly<Record<ChannelName, string>>;
  /**
   * Appended to the summary of codes that explain a delivery path (failover, outage...): whether the
   * user has entered the code since.
   */
  outcome(facts: DiagnosisFacts): string;
}
