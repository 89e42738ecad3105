import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Level, type LogFn, type Logger } from 'pino';
import { DEFAULT_LOG_LIMITS, RotatingLogFile, type LogFileLimits } from './log-file.ts';

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
  // the key of HaloPSA's and Autotask's secrets in their config blocks
  'secret',
];

export interface LoggerOptions {
  readonly level?: Level | string;
  readonly limits?: LogFileLimits;
  /** an identical warning or error within this time of the first is counted, not written (60 s) */
  readonly repeatWindowMs?: number;
  readonly now?: () => number;
}

interface Repeats {
  until: number;
  count: number;
  /** writes the count of the repeats, with the logger and level of the first */
  readonly report: (count: number) => void;
}

/**
 * A flood of one warning (a thousand forged sign-in posts, an API down for an hour) would fill the disk line by line:
 * the first is written, the identical ones that follow within the window are counted, and the count is written when
 * the window ends ("… (repeated 999 times in 60 s)"). Identical: the same level, message and error text.
 */
function countingRepeats(windowMs: number, now: () => number) {
  const seen = new Map<string, Repeats>();
  const flush = (all: boolean) => {
    for (const [key, entry] of seen)
      if (all || entry.until <= now()) {
        if (entry.count > 0) entry.report(entry.count);
        seen.delete(key);
      }
  };
  const timer = setInterval(() => flush(false), Math.max(1000, windowMs / 4));
  timer.unref();
  process.once('exit', () => flush(true));
  return function logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number): void {
    if (level < 40) return method.apply(this, args);
    const [first, second] = args as unknown[];
    const message = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
    const fields = (typeof first === 'object' && first !== null ? first : {}) as { error?: unknown; err?: unknown };
    const error = fields.error ?? (fields.err as { message?: unknown } | undefined)?.message ?? '';
    const key = `${level}\u0000${message}\u0000${String(error)}`;
    const entry = seen.get(key);
    if (entry !== undefined && entry.until > now()) {
      entry.count++;
      return;
    }
    if (entry !== undefined && entry.count > 0) entry.report(entry.count);
    if (seen.size >= 1000) flush(true);
    seen.set(key, {
      until: now() + windowMs,
      count: 0,
      report: (count) =>
        method.call(
          this,
          { ...fields, repeated: count },
          `${message} (repeated ${count} time${count === 1 ? '' : 's'} in ${Math.round(windowMs / 1000)} s)`,
        ),
    });
    method.apply(this, args);
  };
}

/**
 * JSON logs in a file (the terminal is for people), rotated by size, secrets redacted at any depth up to three levels,
 * repeated warnings counted; CONTACTSYNC_LOG_LEVEL=debug logs every API attempt.
 */
export function createLogger(file: string, options: LoggerOptions = {}): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);
  const destination = new RotatingLogFile(file, options.limits ?? DEFAULT_LOG_LIMITS, options.now);
  return pino(
    {
      level: options.level ?? process.env.CONTACTSYNC_LOG_LEVEL ?? 'info',
      redact: { paths, censor: '[redacted]' },
      hooks: { logMethod: countingRepeats(options.repeatWindowMs ?? 60_000, options.now ?? Date.now) },
    },
    destination,
  );
}
