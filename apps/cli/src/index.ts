export { type DoctorFinding, diagnose, doctor } from './doctor.ts';
