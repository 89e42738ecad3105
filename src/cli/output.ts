import { countsSummary } from '../sync/report.ts';
import cliProgress from 'cli-progress';
import type { TenantRecord } from '../store/state-store.ts';
import type { TenantRunResult } from '../sync/tenant-runner.ts';
import { webAddresses } from '../web/web-addresses.ts';
import { printable } from './terminal-text.ts';

const COLUMNS = [
  'created',
  'updated',
  'linked',
  'unchanged',
  'held',
  'disputed',
  'excluded',
  'inactivated',
  'failed',
] as const;

/** One progress bar per tenant on stderr, only on a terminal. */
export function progressBars(enabled: boolean, names: ReadonlyMap<string, string>) {
  if (!enabled) return { onPhase: undefined, onProgress: undefined, stop: () => {} };
  const multibar = new cliProgress.MultiBar(
    {
      format: ' {tenant} |{bar}| {value}/{total} writes | {phase}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const bar = (tenantId: string): cliProgress.SingleBar => {
    let existing = bars.get(tenantId);
    if (existing === undefined) {
      existing = multibar.create(1, 0, {
        tenant: printable(names.get(tenantId) ?? tenantId)
          .padEnd(24)
          .slice(0, 24),
        phase: 'starting',
      });
      bars.set(tenantId, existing);
    }
    return existing;
  };
  return {
    onPhase: (tenantId: string, phase: string) => {
      const b = bar(tenantId);
      if (phase === 'done') b.update(b.getTotal(), { phase: 'done' });
      else b.update({ phase });
    },
    onProgress: (tenantId: string, done: number, total: number) => {
      const b = bar(tenantId);
      b.setTotal(Math.max(1, total));
      b.update(done);
    },
    stop: () => multibar.stop(),
  };
}

/** A plain text table, each cell on one line; the first `leftColumns` columns are aligned left, the others right. */
export function formatTable(
  header: readonly string[],
  given: readonly (readonly string[])[],
  leftColumns = header.length,
): string {
  const rows = given.map((row) => row.map(printable));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The per-tenant summary: what was created, updated, linked, and why the rest was not. */
export function summaryTable(results: readonly TenantRunResult[], names: ReadonlyMap<string, string>): string {
  return formatTable(
    ['tenant', 'status', ...COLUMNS],
    results.map((r) => [
      names.get(r.tenantId) ?? r.tenantId,
      r.status,
      ...COLUMNS.map((c) => String(r.counts[c] ?? 0)),
    ]),
    2,
  );
}

/**
 * Where the web UI listens, as the first lines `serve` and the sandbox print: the address a browser can use (never
 * 127.0.0.1 for a server on every interface), and on every interface each address of the machine.
 */
export function webUiLines(label: string, host: string, port: number, after = ''): string[] {
  const { allInterfaces, urls } = webAddresses(host, port);
  const first = urls[0];
  if (first === undefined) return [`${label}: listening on all interfaces (${host}), port ${port}${after}`];
  return [
    `${label}: ${first}/${after}`,
    `REST API: ${first}/api/openapi.json`,
    ...(allInterfaces
      ? [`Listening on all interfaces (${host}), port ${port}: ${urls.map((u) => `${u}/`).join(', ')}`]
      : []),
  ];
}

/**
 * The exit code of a sync: 0 done, 2 waiting for approval, 3 finished with per-user failures, 4 a tenant was being
 * synced by another process (nothing written to it), 1 a tenant failed.
 */
export function exitCodeOf(results: readonly TenantRunResult[]): number {
  if (results.some((r) => r.status === 'failed')) return 1;
  if (results.some((r) => r.status === 'busy')) return 4;
  if (results.some((r) => (r.counts.failed ?? 0) > 0)) return 3;
  if (results.some((r) => r.status === 'needs approval')) return 2;
  return 0;
}

/** Resolves at the first SIGTERM or Ctrl-C: long-running commands then stop cleanly. */
/** `2026-11-25T02:00:00.000Z Contoso: ok (synced 3)`: one line per tenant run, for the daemon and the workers. */
export function runLine(name: string, result: Pick<TenantRunResult, 'status' | 'counts' | 'error'>): string {
  const counts = countsSummary(result.counts);
  return `${printable(`${new Date().toISOString()} ${name}: ${result.status}${counts === '' ? '' : ` (${counts})`}${result.error === null ? '' : ` — ${result.error}`}`)}\n`;
}

/** A tenant named on the command line that cannot be synced yet: why, and the command that fixes it. */
export function unmappedProblem(tenant: TenantRecord): Error {
  return new Error(
    `${tenant.displayName} is not mapped to an IT Glue organization, so it cannot be synced or planned. Map it: contactsync tenants map "${tenant.displayName}" --itglue ORGANIZATION_ID [--bms ACCOUNT_ID|none] (contactsync tenants map --help), or on its page in the web UI; then run this again.`,
  );
}

export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
}
