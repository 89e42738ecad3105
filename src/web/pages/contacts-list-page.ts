import type { FastifyInstance } from 'fastify';
import { shownPersonName } from '../../normalize/name.ts';
import type { SyncDisabled } from '../../domain/link.ts';
import { html } from '../../html.ts';
import { badge } from '../layout.ts';
import type { PageTools } from '../page-tools.ts';
import type { WebServices } from '../web-context.ts';
import { OUTCOMES, query } from './shared.ts';

const PAGE_SIZE = 50;

/** The sync state of a person, as the list and the Manage page say it. */
export function syncStateText(disabled: SyncDisabled | null, leftOut: boolean): string {
  if (leftOut) return 'left out';
  return disabled === null
    ? 'not linked'
    : disabled === 'none'
      ? 'enabled'
      : disabled === 'psa'
        ? 'disabled with BMS'
        : 'disabled';
}

export const contactPath = (tenantId: string, userId: string) =>
  `/contacts/${encodeURIComponent(tenantId)}/${encodeURIComponent(userId)}`;

interface Row {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly userId: string;
  readonly upn: string;
  readonly name: string;
  readonly outcome: string | null;
  readonly state: string;
}

/** Every person of every tenant, sorted by name, filtered and paged. */
export function registerContactsListPage(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store } = services;

  app.get('/contacts', { config: { access: 'viewer' } }, async (request, reply) => {
    const q = (query(request, 'q') ?? '').trim();
    const wantedTenant = query(request, 'tenant') ?? '';
    const wantedOutcome = (OUTCOMES as readonly string[]).includes(query(request, 'outcome') ?? '')
      ? query(request, 'outcome')!
      : '';
    const disabledOnly = query(request, 'disabled') === '1';
    const tenants = await store.listTenants();
    const rows: Row[] = [];
    const needle = q.toLowerCase();
    for (const tenant of tenants) {
      if (wantedTenant !== '' && tenant.id !== wantedTenant) continue;
      const links = new Map((await store.listLinks(tenant.id)).map((l) => [l.userId, l]));
      const outcomes = await store.latestOutcomes(tenant.id);
      const leftOut = new Set(
        (await store.decisions(tenant.id))
          .filter((d) => d.choice === 'ignore' && d.side === 'itglue')
          .map((d) => d.userId),
      );
      for (const user of await store.loadUsers(tenant.id)) {
        const name = shownPersonName(user) ?? '';
        if (
          needle !== '' &&
          !user.userPrincipalName.toLowerCase().includes(needle) &&
          !name.toLowerCase().includes(needle) &&
          !(user.mail ?? '').toLowerCase().includes(needle)
        )
          continue;
        const outcome = outcomes.get(user.id) ?? null;
        if (wantedOutcome !== '' && outcome !== wantedOutcome) continue;
        const disabled = links.get(user.id)?.syncDisabled ?? null;
        if (disabledOnly && (disabled === null || disabled === 'none')) continue;
        rows.push({
          tenantId: tenant.id,
          tenantName: tenant.displayName,
          userId: user.id,
          upn: user.userPrincipalName,
          name,
          outcome,
          state: syncStateText(disabled, leftOut.has(user.id)),
        });
      }
    }
    rows.sort(
      (a, b) =>
        (a.name || a.upn).localeCompare(b.name || b.upn, undefined, { sensitivity: 'base' }) ||
        a.upn.localeCompare(b.upn) ||
        a.tenantName.localeCompare(b.tenantName),
    );
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    const page = Math.min(pages, Math.max(1, Math.floor(Number(query(request, 'page'))) || 1));
    const shown = rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    const link = (changes: Record<string, string>) => {
      const wanted = {
        q,
        tenant: wantedTenant,
        outcome: wantedOutcome,
        disabled: disabledOnly ? '1' : '',
        ...changes,
      };
      const params = new URLSearchParams(Object.entries(wanted).filter(([, value]) => value !== ''));
      const text = params.toString();
      return `/contacts${text === '' ? '' : `?${text}`}`;
    };
    return tools.send(
      request,
      reply,
      'Contacts',
      html`<form method="get" action="/contacts" class="filters-form" role="search">
          <div class="field">
            <label for="q">Find a person</label
            ><input type="text" id="q" name="q" value="${q}" placeholder="name or sign-in name" />
          </div>
          <div class="field">
            <label for="tenant">Tenant</label
            ><select id="tenant" name="tenant">
              <option value="">every tenant</option>
              ${tenants.map((t) => html`<option value="${t.id}" ${t.id === wantedTenant ? html` selected` : ''}>${t.displayName}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="outcome">Last outcome</label
            ><select id="outcome" name="outcome">
              <option value="">any</option>
              ${OUTCOMES.map((o) => html`<option value="${o}" ${o === wantedOutcome ? html` selected` : ''}>${o}</option>`)}
            </select>
          </div>
          <div class="field check">
            <label for="disabled"
              ><input type="checkbox" id="disabled" name="disabled" value="1" ${disabledOnly ? html` checked` : ''} />
              Sync disabled</label
            >
          </div>
          <button type="submit">Show</button>
        </form>
        <nav class="filters" aria-label="Quick filters">
          <a href="${link({ outcome: 'held', page: '' })}" ${wantedOutcome === 'held' ? html` aria-current="true"` : ''}
            >held</a
          >
          <a
            href="${link({ outcome: 'disputed', page: '' })}"
            ${wantedOutcome === 'disputed' ? html` aria-current="true"` : ''}
            >disputed</a
          >
          <a
            href="${link({ disabled: disabledOnly ? '' : '1', page: '' })}"
            ${disabledOnly ? html` aria-current="true"` : ''}
            >sync disabled</a
          >
          <a href="/contacts">everyone</a>
        </nav>
        <p class="muted" data-count>
          ${rows.length} ${rows.length === 1 ? 'person' : 'people'}, by
          name${pages > 1 ? `; page ${page} of ${pages}` : ''}.
        </p>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>Person</th>
                <th>Tenant</th>
                <th>Last outcome</th>
                <th>Sync</th>
              </tr>
            </thead>
            <tbody>
              ${shown.map(
                (r) =>
                  html`<tr data-user="${r.upn}">
                    <td>
                      <a href="${contactPath(r.tenantId, r.userId)}">${r.name || r.upn}</a>
                      <div class="muted">${r.upn}</div>
                    </td>
                    <td data-label="Tenant">${r.tenantName}</td>
                    <td data-label="Last outcome">
                      ${r.outcome === null ? html`<span class="muted">not synced yet</span>` : badge(r.outcome)}
                    </td>
                    <td data-label="Sync">${badge(r.state)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
        ${
          pages > 1
            ? html`<nav class="pager" aria-label="Pages">
                ${page > 1 ? html`<a href="${link({ page: String(page - 1) })}" rel="prev">Previous</a>` : ''}
                <span>Page ${page} of ${pages}</span>
                ${page < pages ? html`<a href="${link({ page: String(page + 1) })}" rel="next">Next</a>` : ''}
              </nav>`
            : ''
        }`,
    );
  });
}
