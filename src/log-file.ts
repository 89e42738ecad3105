import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';

export interface LogFileLimits {
  /** a file is rotated once it would grow past this many bytes */
  readonly maxBytes: number;
  /** rotated files kept beside it (`contactsync.log.1` the newest); older ones are deleted */
  readonly keep: number;
}

/** 10 MB a file, 5 kept: at most 60 MB of log. */
export const DEFAULT_LOG_LIMITS: LogFileLimits = { maxBytes: 10 * 1024 * 1024, keep: 5 };

/**
 * The log file (0600: it names people), written as each line comes (nothing is left to flush at exit, where a full
 * disk would make a buffered writer retry for ever) and rotated by size: `file` → `file.1` → … → `file.N`, the
 * oldest deleted. Several processes may write one file (a service and the commands run beside it): each notices
 * within a second that another rotated it, and reopens. When the file cannot be written, logging stops with one line
 * on stderr and the command goes on to report its own error.
 */
export class RotatingLogFile {
  private fd: number | null = null;
  private size = 0;
  private checkedAt = 0;
  private failed = false;

  constructor(
    private readonly file: string,
    private readonly limits: LogFileLimits = DEFAULT_LOG_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    // Made at once, so that a person finds it where the command said, even before anything is logged.
    this.attempt(() => this.open());
  }

  write(line: string): boolean {
    this.attempt(() => {
      const bytes = Buffer.byteLength(line);
      this.reopenIfMoved();
      if (this.fd === null) this.open();
      if (this.size > 0 && this.size + bytes > this.limits.maxBytes) {
        this.rotate();
        this.open();
      }
      writeSync(this.fd!, line);
      this.size += bytes;
    });
    return true;
  }

  private attempt(action: () => void): void {
    if (this.failed) return;
    try {
      action();
    } catch (error) {
      this.failed = true;
      this.close();
      process.stderr.write(
        `contactsync: the log ${this.file} cannot be written (${(error as Error).message}); logging stopped.\n`,
      );
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    if (existsSync(this.file) && (statSync(this.file).mode & 0o077) !== 0) chmodSync(this.file, 0o600);
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
    this.checkedAt = this.now();
  }

  /** Another process rotated the file (or someone removed it): write to the new one. */
  private reopenIfMoved(): void {
    if (this.fd === null || this.now() - this.checkedAt < 1000) return;
    this.checkedAt = this.now();
    const current = existsSync(this.file) ? statSync(this.file) : null;
    const mine = fstatSync(this.fd);
    if (current === null || current.ino !== mine.ino) this.close();
    else this.size = current.size;
  }

  private rotate(): void {
    this.close();
    rmSync(`${this.file}.${this.limits.keep}`, { force: true });
    for (let n = this.limits.keep - 1; n >= 1; n--)
      if (existsSync(`${this.file}.${n}`)) renameSync(`${this.file}.${n}`, `${this.file}.${n + 1}`);
    if (this.limits.keep > 0 && existsSync(this.file)) renameSync(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
  }
}
