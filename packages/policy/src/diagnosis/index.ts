/** Diagnoses for the support console: what happened to a verification, and what to do next. */
export { diagnose } from './diagnose.ts';
export type { DiagnosisStrings } from './strings.ts';
export {
  DIAGNOSIS_CODES,
  type Diagnosis,
  type DiagnosisCode,
  type DiagnosisEvent,
  type DiagnosisFacts,
  type DiagnosisInput,
  type DiagnosisSend,
  type DiagnosisText,
} from './types.ts';
