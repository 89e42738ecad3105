import { fieldLabel, shownValue } from '../../sync/field-labels.ts';
import { runCountsText } from '../../sync/run-counts.ts';
import { systemColumn } from '../../sync/result-columns.ts';
import { actionBy } from '../../operations/action-by.ts';
import type { FastifyRequest } from 'fastify';
import type { FieldDiff } from '../../domain/plan.ts';
import type { TenantRecord } from '../../domain/tenant-record.ts';
import type { HistoryEntry, UserResult } from '../../domain/user-result.ts';
import type { TenantRunResult } from '../../run/run-result.ts';
import { html, type SafeHtml } from '../../html.ts';
import { badge } from '../layout.ts';
import { presentTargets, type TargetProfile, type Targets } from '../../domain/target-profile.ts';

/** Whether a tenant is mapped: to the documentation platform's customer record, or the PSA's alone. */
export function isMapped(tenant: TenantRecord, targets: Targets): boolean {
  return (targets.doc === null ? tenant.psaCustomerId : tenant.docCustomerId) !== null;
}

/** One target's part of a mapping: its name and the customer record's ("<name> Contoso Ltd"), if the target is present. */
function mappingPart(target: TargetProfile | null, id: string | number | null, name: string | null): SafeHtml | null {
  if (target === null) return null;
  return html`${target.words.name}
  ${id === null ? html`<span class="muted">none</span>` : (name ?? `${target.words.customer} ${id}`)}`;
}

/** "<doc> Contoso Ltd · <psa> Contoso Ltd (by name)": a tenant's mapping in names, one part per target present. */
export function mappingText(tenant: TenantRecord, targets: Targets): SafeHtml {
  const { doc, psa } = targets;
  if (!isMapped(tenant, targets)) return html`<span class="muted">not mapped</span>`;
  const parts = [
    mappingPart(doc, tenant.docCustomerId, tenant.docCustomerName),
    mappingPart(psa, tenant.psaCustomerId, tenant.psaCustomerName),
  ].filter((p) => p !== null);
  return html`${parts.map((p, i) => (i === 0 ? p : html` · ${p}`))}
    <span class="muted">(${tenant.mapping === 'auto' ? 'by name' : 'by hand'})</span>`;
}

export function isAdmin(request: FastifyRequest): boolean {
  return request.identity?.role === 'admin';
}

export function param(request: FastifyRequest, name: string): string {
  return String((request.params as Record<string, unknown>)[name] ?? '');
}

export function query(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

export function field(request: FastifyRequest, name: string): string | undefined {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** `created 3, updated 1`: the non-zero counts of a run, in words (see `runCountsText`). */
export function countsText(counts: Readonly<Record<string, number>> | null, status: string, targets: Targets): string {
  return counts === null ? '' : runCountsText(counts, status, targets);
}

export function runNotice(name: string, result: TenantRunResult, targets: Targets): string {
  // The busy message names the tenant and who holds it already.
  if (result.status === 'busy' && result.error !== null) return result.error;
  if (result.error !== null) return `${name}: ${result.status}: ${result.error}`;
  if (result.status === 'unchanged') return `${name}: nothing changed in Microsoft 365.`;
  return `${name}: ${result.status}; ${countsText(result.counts, result.status, targets)}.`;
}

export function diffList(diffs: readonly FieldDiff[], targets: Targets): SafeHtml {
  if (diffs.length === 0) return html``;
  return html`<ul class="diffs">
    ${diffs.map((d) => html`<li>${fieldLabel(d, targets)}: ${shownValue(d.old)} → <strong>${shownValue(d.new)}</strong></li>`)}
  </ul>`;
}

/** Every outcome a user's result can have (a plan's, and `failed` from applying it), for filters. */
export const OUTCOMES = [
  'synced',
  'unchanged',
  'held',
  'disputed',
  'excluded',
  'inactivated',
  'pending-approval',
  'disabled',
  'failed',
] as const;

/** What changed for a user, field by field, and why anything was held or left. */
function changesCell(result: Pick<UserResult, 'diffs' | 'reasons'>, targets: Targets): SafeHtml {
  return html`${diffList(result.diffs, targets)}${result.reasons.map((r) => html`<div class="muted">${r.message}</div>`)}`;
}

/** A table of per-user results (a run, a preview, a history). */
/** The person of a result: the name, and the sign-in address under it (a result of an older version has no name). */
/** An address that may wrap after its @ and before its dots, never inside a word. */
export function addressHtml(address: string): SafeHtml {
  const parts = address.split(/(?<=@)|(?=\.)/);
  return html`${parts.map((part, i) => (i === 0 ? html`${part}` : html`<wbr />${part}`))}`;
}

function personCell(result: Pick<UserResult, 'userPrincipalName' | 'displayName'>): SafeHtml {
  const name = result.displayName ?? null;
  if (name === null) return addressHtml(result.userPrincipalName);
  return html`${name}${result.userPrincipalName === '' ? '' : html`<br /><span class="muted">${addressHtml(result.userPrincipalName)}</span>`}`;
}

export function resultsTable(
  users: readonly (UserResult & { at?: string; tenantId?: string })[],
  targets: Targets,
  options: { linkTenant?: string; showTime?: boolean } = {},
): SafeHtml {
  if (users.length === 0) return html`<p class="muted">No users here.</p>`;
  const present = presentTargets(targets);
  return html`<div class="table-wrap">
    <table class="stack results">
      <thead>
        <tr>
          ${options.showTime ? html`<th>When</th>` : ''}
          <th>User</th>
          <th>Outcome</th>
          <th>Rule</th>
          ${present.map((t) => html`<th>${t.words.name}</th>`)}
          <th>Changes and reasons</th>
        </tr>
      </thead>
      <tbody>
        ${users.map(
          (u) =>
            html`<tr data-user="${u.userPrincipalName}">
              ${options.showTime ? html`<td data-label="When">${(u.at ?? '').replace('T', ' ').slice(0, 19)}</td>` : ''}
              <td class="person">
                ${options.linkTenant === undefined ? personCell(u) : html`<a href="/contacts/${encodeURIComponent(options.linkTenant)}/${encodeURIComponent(u.userId)}">${personCell(u)}</a>`}
              </td>
              <td data-label="Outcome">${badge(u.outcome)}</td>
              <td data-label="Rule">${u.rule ?? '–'}</td>
              ${present.map((t) => html`<td data-label="${t.words.name}" class="system">${systemColumn(u, t)}</td>`)}
              <td data-label="Changes and reasons" class="changes">${changesCell(u, targets)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** A person's history: each tenant run's result for them, and what operators did (Sync now, unlink, relink...). */
export function historyTable(entries: readonly HistoryEntry[], targets: Targets): SafeHtml {
  if (entries.length === 0) return html`<p class="muted">Nothing yet.</p>`;
  const { doc, psa } = targets;
  return html`<div class="table-wrap">
    <table class="stack history">
      <thead>
        <tr>
          <th>When</th>
          <th>What</th>
          <th>Outcome</th>
          ${doc === null ? '' : html`<th>${doc.words.name}</th>`}
          ${psa === null ? '' : html`<th>${psa.words.name}</th>`}
          <th>Changes and reasons</th>
        </tr>
      </thead>
      <tbody>
        ${entries.map(
          (e) =>
            html`<tr data-history="${e.action?.kind ?? 'run'}">
              <td data-label="When">${e.at.replace('T', ' ').slice(0, 19)}</td>
              <td data-label="What">
                ${e.runId === null ? html`${e.action === null ? '' : actionBy(e.action.summary, e.action.actor)}` : html`<a href="/runs/${encodeURIComponent(e.runId)}">tenant sync</a>`}
              </td>
              <td data-label="Outcome">${e.result === null ? '' : badge(e.result.outcome)}</td>
              ${doc === null ? '' : html`<td data-label="${doc.words.name}">${e.result?.doc ?? ''}</td>`}
              ${psa === null ? '' : html`<td data-label="${psa.words.name}">${e.result?.psa ?? ''}</td>`}
              <td>${e.result === null ? '' : changesCell(e.result, targets)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
