import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

/** Keys whose values are secrets wherever they appear in a log record. */
const REDACTED_KEYS = [
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

/**
 * The log file (0600: it names people), written as each line comes: nothing is left to flush at exit, where a full
 * disk would make pino retry a failed write for ever. When the file cannot be written, logging stops with one line
 * on stderr and the command goes on to report its own error.
 */
function logFile(file: string) {
  if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const destination = pino.destination({ dest: file, sync: true, mkdir: true, mode: 0o600 });
  let failed = false;
  destination.on('error', (error: Error) => {
    if (failed) return;
    failed = true;
    Object.assign(destination, {
      write: () => true,
      flush: (callback?: (error?: Error) => void) => callback?.(),
      flushSync: () => {},
      end: () => {},
    });
    process.stderr.write(`contactsync: the log ${file} cannot be written (${error.message}); logging stopped.\n`);
  });
  return destination;
}

/** JSON logs in a file (the terminal is for people), secrets redacted at any depth up to three levels; CONTACTSYNC_LOG_LEVEL=debug logs every API attempt. */
export function createLogger(file: string, level = process.env.CONTACTSYNC_LOG_LEVEL ?? 'info'): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);
  return pino({ level, redact: { paths, censor: '[redacted]' } }, logFile(file));
}
