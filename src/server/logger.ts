import pino, { type Logger } from 'pino';

/** Paths never written to logs: credentials, and anything health-related should it ever be logged. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.passwordHash',
  '*.secretHash',
  'variables',
  '*.variables',
  '*.allergies',
  '*.medicalHistory',
  '*.specialConditions',
  '*.healthProfile',
  '*.notes',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'wellness-records-api' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
