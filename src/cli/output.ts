import { countsSummary, DOC_COLUMNS, PSA_COLUMNS } from '../sync/run-counts.ts';
import { presentTargets, type Targets } from '../domain/target-profile.ts';
import cliProgress from 'cli-progress';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { TenantRunResult } from '../run/run-result.ts';
import { webAddresses } from '../web/web-addresses.ts';
import { printable, writeOut } from './terminal-text.ts';

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

/** `17` or `17 (3 new)`: what is open now, and how much of it this run found. */
function openFigure(counts: Readonly<Record<string, number>>, key: 'held' | 'disputed'): string {
  const fresh = counts[`${key}.new`] ?? 0;
  return `${counts[key] ?? 0}${fresh > 0 ? ` (${fresh} new)` : ''}`;
}

/** `NAME ------`: a group heading exactly `width` wide. */
const heading = (label: string, width: number) => `${label} `.padEnd(width, '-').slice(0, width);

/**
 * The per-tenant summary, from the run's figures (see `countRun`): per target what happened to the users' contacts,
 * then the held and disputed users open now (new this run beside them), the excluded and the failed.
 */
export function summaryTable(
  results: readonly TenantRunResult[],
  names: ReadonlyMap<string, string>,
  targets: Targets,
): string {
  const groups = presentTargets(targets).map((target) => ({
    target,
    columns: target.role === 'documentation' ? DOC_COLUMNS : PSA_COLUMNS,
  }));
  const header = ['tenant', 'status', ...groups.flatMap((g) => g.columns), 'held', 'disputed', 'excluded', 'failed'];
  const table = formatTable(
    header,
    results.map((r) => [
      names.get(r.tenantId) ?? r.tenantId,
      r.status,
      ...groups.flatMap((g) => g.columns.map((c) => String(r.counts[`${g.target.id}.${c}`] ?? 0))),
      openFigure(r.counts, 'held'),
      openFigure(r.counts, 'disputed'),
      String(r.counts.excluded ?? 0),
      String(r.counts.failed ?? 0),
    ]),
    2,
  );
  // A line above the header says which columns are each target's: each heading spans exactly its columns, a gap
  // between two; the outcome columns after them are the user's, under no target.
  const lines = table.split('\n');
  const widths = lines[1]!.split('  ').map((rule) => rule.length);
  const span = (from: number, count: number) =>
    widths.slice(from, from + count).reduce((n, w) => n + w, 0) + 2 * (count - 1);
  let at = 2;
  const headings = groups.map((g) => {
    const text = heading(g.target.words.name, span(at, g.columns.length));
    at += g.columns.length;
    return text;
  });
  return [`${' '.repeat(span(0, 2) + 2)}${headings.join('  ')}`, ...lines].join('\n');
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

/** `every 60 s (Fabrikam: 120 s)`: the polling pace, with each tenant whose own settings change it. */
export function pollPace(
  pollSeconds: number,
  own: ReadonlyMap<string, number>,
  names: ReadonlyMap<string, string>,
): string {
  const differ = [...own].filter(([, seconds]) => seconds !== pollSeconds);
  const exceptions = differ.map(([id, seconds]) => `${printable(names.get(id) ?? id)}: ${seconds} s`).join(', ');
  return `every ${pollSeconds} s${exceptions === '' ? '' : ` (${exceptions})`}`;
}

/** Said as the daemon starts: its first look at each tenant is spread over the first interval, so it may be quiet. */
export function firstPassLine(tenants: number): string {
  return `First pass started: each of the ${tenants} tenant${tenants === 1 ? '' : 's'} is read within its interval (spread out, so that the APIs are not all called at once); a line appears for each run that changes something.\n`;
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
export function runLine(
  name: string,
  result: Pick<TenantRunResult, 'status' | 'counts' | 'error'>,
  targets: Targets,
): string {
  const counts = countsSummary(result.counts, targets);
  return `${printable(`${new Date().toISOString()} ${name}: ${result.status}${counts === '' ? '' : ` (${counts})`}${result.error === null ? '' : ` — ${result.error}`}`)}\n`;
}

/** ` (NAME has no CUSTOMER named "X", …)`: why a tenant is unmapped, without the note's own advice. */
function why(note: string | null): string {
  const reason = note?.replace(/:? ?(map it on its page|Unmapped by a person).*$/i, '').trim() ?? '';
  if (note !== null && /^Unmapped by a person/i.test(note)) return ' (a person unmapped it)';
  return reason === '' ? '' : ` (${reason})`;
}

/** A tenant named on the command line that cannot be synced yet: why, and the command that fixes it. */
export function unmappedProblem(tenant: TenantRecord, targets: Targets): Error {
  return new Error(
    `${tenant.displayName} is not mapped, so it cannot be synced or planned${why(tenant.mappingNote)}. Map it: contactsync tenants map "${tenant.displayName}" lists the candidates by name; then contactsync tenants map "${tenant.displayName}" ${mapOptions(targets)}, or on its page in the web UI; then run this again.`,
  );
}

/** `--DOC "CUSTOMER" --PSA "CUSTOMER" (or --PSA none)`: the options that map a tenant to the targets present. */
export function mapOptions(targets: Targets, value = (word: string) => word.toUpperCase()): string {
  const options = presentTargets(targets).map((t) => `--${t.id} "${value(t.words.customer)}"`);
  return `${options.join(' ')}${targets.doc !== null && targets.psa !== null ? ` (or --${targets.psa.id} none)` : ''}`;
}

export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      // Said at once: what is in flight may take a while to finish, and a silent terminal looks hung.
      writeOut(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping once the work in flight is done.\n`);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
