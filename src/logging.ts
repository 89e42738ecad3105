import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

/** Keys whose values are secrets wherever they appear in a log record. */
export const REDACTED_KEYS = [
  'clientSecret',
  'client_secret',
  'password',
  'apiKey',
  'api_key',
  'accessToken',
  'refreshToken',
  'authorization',
  'x-api-key',
  'privateKey',
  'secretKey',
];

/** JSON logs in a file (the terminal is for people), secrets redacted at any depth up to three levels; CONTACTSYNC_LOG_LEVEL=debug logs every API attempt. */
export function createLogger(file: string, level = process.env.CONTACTSYNC_LOG_LEVEL ?? 'info'): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);
  return pino(
    { level, redact: { paths, censor: '[redacted]' } },
    pino.destination({ dest: file, sync: false, mkdir: true }),
  );
}
