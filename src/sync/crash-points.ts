/**
 * Fault injection for the crash-safety tests: with `CONTACTSYNC_CRASH_AT=N`, the process kills itself with SIGKILL
 * at the N-th crash point of the apply phase (before and after each journal record and each write). Without the
 * variable this does nothing.
 */
const crashAt = Number(process.env.CONTACTSYNC_CRASH_AT ?? 0);
let passed = 0;

export function crashPoint(): void {
  if (crashAt <= 0) return;
  passed += 1;
  if (passed === crashAt) process.kill(process.pid, 'SIGKILL');
}
