/**
 * The root logger (the one module-level singleton DESIGN allows is created by the CLI; this
 * module only builds it). Secrets are redacted by key name wherever they appear.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'secretAccessKey', 'SecretAccessKey', 'sessionToken', 'SessionToken', 'password', 'Password',
  'authorization', 'Authorization', '*.secretAccessKey', '*.sessionToken', '*.password',
  '*.authorization', 'headers.authorization', 'headers["x-amz-security-token"]',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: '[REDACTED]' }, base: { service: 'opentrail' } },
    destination as pino.DestinationStream | undefined,
  );
}
