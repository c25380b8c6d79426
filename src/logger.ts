import pino, { type Logger } from 'pino';

/**
 * The one logger, passed down. Patient identifiers, names and birth dates never reach a log:
 * the paths below are redacted wherever they appear, and code logs keys only under these names.
 */
export const REDACT_PATHS = [
  'patientKey', '*.patientKey', 'patient', '*.patient', 'name', '*.name', 'birthDate', '*.birthDate',
  'dob', '*.dob', 'pid', '*.pid', 'text', '*.text', 'bytes', '*.bytes', 'raw', '*.raw',
];

export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    { level: opts.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'poems-sentinel' } },
    opts.destination ?? pino.destination(2),
  );
}
