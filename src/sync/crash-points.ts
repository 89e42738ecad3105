/**
 * Fault injection for the crash-safety tests: with `CONTACTSYNC_CRASH_AT=N`, the process kills itself with SIGKILL
 * at the N-th crash point of the apply phase (before and after each journal record and each write). With
 * `CONTACTSYNC_CRASH_COUNT_FILE=path`, the number of crash points passed is written to that file at exit, so that a
 * test spreads its kills over the points a sync really has. Without either variable this does nothing.
 */
import { writeFileSync } from 'node:fs';

const crashAt = Number(process.env.CONTACTSYNC_CRASH_AT ?? 0);
const countFile = process.env.CONTACTSYNC_CRASH_COUNT_FILE ?? '';
let passed = 0;

if (countFile !== '') process.on('exit', () => writeFileSync(countFile, String(passed)));

export function crashPoint(): void {
  if (crashAt <= 0 && countFile === '') return;
  passed += 1;
  if (passed === crashAt) process.kill(process.pid, 'SIGKILL');
}
