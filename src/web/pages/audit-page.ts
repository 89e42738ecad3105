import type { FastifyInstance } from 'fastify';
import { auditLine } from '../../operations/audit-text.ts';
import { html } from '../../html.ts';
import type { PageTools } from '../page-tools.ts';
import type { WebServices } from '../web-context.ts';
import { listLimit, listPage, MAX_AUDIT_LISTED } from '../../operations/list-limit.ts';
import { contactPath } from './contacts-list-page.ts';
import { query } from './shared.ts';

/** The families of actions, for the filter. */
const FAMILIES: readonly { readonly value: string; readonly label: string }[] = [
  { value: 'tenant', label: 'tenants: mapping, settings, sync, approval' },
  { value: 'conflict', label: 'conflicts settled' },
  { value: 'contact', label: 'contacts: Sync now, disable, unlink, relink, bring back' },
  { value: 'login', label: 'sign-ins' },
  { value: 'user', label: 'logins added' },
  { value: 'token', label: 'API tokens' },
];

/** Every admin action, newest first: who did what, on which tenant and which person, by name; filterable. */
export function registerAuditPage(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store } = services;
  app.get('/audit', { config: { access: 'viewer' } }, async (request, reply) => {
    const pageSize = listLimit((request.query as { limit?: unknown }).limit, 100, MAX_AUDIT_LISTED);
    const tenants = await store.listTenants();
    const names = new Map(tenants.map((t) => [t.id, t.displayName]));
    const tenant = query(request, 'tenant') ?? '';
    const actor = query(request, 'who') ?? '';
    const action = query(request, 'action') ?? '';
    const userId = query(request, 'user') ?? '';
    const page = listPage((request.query as { page?: unknown }).page, pageSize);
    const entries = await store.listAudit({
      limit: pageSize + 1,
      offset: (page - 1) * pageSize,
      ...(tenant === '' ? {} : { tenantId: tenant }),
      ...(actor === '' ? {} : { actor }),
      ...(action === '' ? {} : { action }),
      ...(userId === '' ? {} : { userId }),
    });
    const lines = entries.slice(0, pageSize).map((entry) => auditLine(entry, names, services.targets));
    const actors = await store.auditActors();
    const asked = query(request, 'limit') ?? '';
    const link = (changes: Record<string, string>) => {
      const wanted = { tenant, who: actor, action, user: userId, limit: asked, ...changes };
      const params = new URLSearchParams(Object.entries(wanted).filter(([, value]) => value !== ''));
      return `/audit${params.size === 0 ? '' : `?${params.toString()}`}`;
    };
    return tools.send(
      request,
      reply,
      'Audit log',
      html`<form method="get" action="/audit" class="filters-form" role="search">
          <div class="field">
            <label for="tenant">Tenant</label
            ><select id="tenant" name="tenant">
              <option value="">every tenant</option>
              ${tenants.map((t) => html`<option value="${t.id}" ${t.id === tenant ? html` selected` : ''}>${t.displayName}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="who">Who</label
            ><select id="who" name="who">
              <option value="">anyone</option>
              ${actors.map((a) => html`<option value="${a}" ${a === actor ? html` selected` : ''}>${a}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="action">What</label
            ><select id="action" name="action">
              <option value="">everything</option>
              ${FAMILIES.map((f) => html`<option value="${f.value}" ${f.value === action ? html` selected` : ''}>${f.label}</option>`)}
            </select>
          </div>
          ${userId === '' ? '' : html`<input type="hidden" name="user" value="${userId}" />`}
          <button type="submit">Show</button>
        </form>
        ${lines.length === 0 ? html`<p class="muted">Nothing recorded${tenant + actor + action + userId === '' ? '' : ' that fits these filters'}.</p>` : ''}
        <div class="table-wrap">
          <table class="stack audit">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>Tenant</th>
                <th>Person</th>
              </tr>
            </thead>
            <tbody>
              ${lines.map(
                (l) =>
                  html`<tr>
                    <td data-label="When">${l.at.replace('T', ' ').slice(0, 19)}</td>
                    <td data-label="Who">${l.who}</td>
                    <td data-label="What">${l.what}</td>
                    <td data-label="Tenant">
                      ${l.tenant === null ? '' : html`<a href="/tenants/${encodeURIComponent(l.tenant.id)}">${l.tenant.name}</a>`}
                    </td>
                    <td data-label="Person">
                      ${l.person === null || l.tenant === null ? (l.person?.name ?? '') : html`<a href="${contactPath(l.tenant.id, l.person.id)}">${l.person.name}</a>`}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Pages">
          ${page > 1 ? html`<a href="${link({ page: String(page - 1) })}" rel="prev">Newer</a>` : ''}
          ${entries.length > pageSize ? html`<a href="${link({ page: String(page + 1) })}" rel="next">Older</a>` : ''}
        </nav>`,
    );
  });
}
