import type { FastifyInstance } from 'fastify';
import { OperationError, syncAllTenants, syncTenant, tenantNamed } from '../../operations/operator-actions.ts';
import { html } from '../../html.ts';
import { actionButton, badge } from '../layout.ts';
import type { PageTools } from '../page-tools.ts';
import { actorOf, type WebServices } from '../web-context.ts';
import { countsText, field, isAdmin, mappingText, param, runNotice } from './shared.ts';

/** The contacts held from BMS as the tenant's last run with work left them. */
const held = (run: { readonly counts: Readonly<Record<string, number>> | null } | null): number =>
  run?.counts?.held ?? 0;

/** For each delivery mode, the reason most of its tenants share (when several do): said once for all of them. */
function usualReasons(modes: readonly { readonly mode: string; readonly why: string }[]): Map<string, string> {
  const counted = new Map<string, Map<string, number>>();
  for (const { mode, why } of modes) {
    const whys = counted.get(mode) ?? new Map<string, number>();
    whys.set(why, (whys.get(why) ?? 0) + 1);
    counted.set(mode, whys);
  }
  const usual = new Map<string, string>();
  for (const [mode, whys] of counted) {
    const [why, n] = [...whys].reduce((best, next) => (next[1] > best[1] ? next : best));
    // A reason one tenant alone has stays on its row.
    if (n > 1) usual.set(mode, why);
  }
  return usual;
}

/** Every tenant at a glance, with its Sync button. */
export function registerDashboard(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store } = services;

  app.get('/', { config: { access: 'viewer' } }, async (request, reply) => {
    const tenants = await store.listTenants();
    const conflicts = await store.listConflicts({ status: 'open' });
    const runs = await store.latestRuns();
    const rows = tenants.map((tenant) => ({
      tenant,
      last: runs.get(tenant.id)?.last ?? null,
      lastWork: runs.get(tenant.id)?.lastWork ?? null,
      open: conflicts.filter((c) => c.tenantId === tenant.id).length,
    }));
    const frame = tools.frame(request, reply);
    const admin = isAdmin(request);
    const failedJobs = services.queue ? await services.queue.failed(20) : [];
    const modes = services.deliveryModes ? await services.deliveryModes() : null;
    const names = new Map(tenants.map((t) => [t.id, t.displayName]));
    const modeOf = (tenantId: string) => modes?.get(tenantId) ?? { mode: 'poll', why: 'read every pollSeconds' };
    // How each mode gets its changes is said once, under the table; a row says only what differs from that.
    const usual = usualReasons(tenants.filter((t) => t.docCustomerId !== null).map((t) => modeOf(t.id)));
    return tools.send(
      request,
      reply,
      'Dashboard',
      html`${admin ? html`<div class="actions">${actionButton(frame, '/sync', 'Sync all tenants')}${actionButton(frame, '/tenants/discover', 'Discover tenants', { secondary: true })}</div>` : ''}
      ${
        rows.length === 0
          ? html`<p class="card">
              No tenants yet. Add customer tenants to the config (or the partner tenant for GDAP) and run
              <code>contactsync tenants discover</code>.
            </p>`
          : html`<h2>Tenants</h2>
              <div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th>Tenant</th>
                      <th>Status</th>
                      <th>IT Glue / BMS</th>
                      <th>Changes</th>
                      <th>Last run</th>
                      <th>Last changes</th>
                      <th>Health</th>
                      ${admin ? html`<th></th>` : ''}
                    </tr>
                  </thead>
                  <tbody>
                    ${rows.map(
                      ({ tenant, last, lastWork, open }) =>
                        html`<tr data-tenant="${tenant.displayName}">
                          <td><a href="/tenants/${encodeURIComponent(tenant.id)}">${tenant.displayName}</a></td>
                          <td data-label="Status">${badge(tenant.status)}</td>
                          <td data-label="IT Glue / BMS">
                            ${mappingText(tenant)}${tenant.mappingNote === null ? '' : html`<div class="muted">${tenant.mappingNote}</div>`}
                          </td>
                          <td data-label="Changes" class="delivery">
                            ${
                              tenant.docCustomerId === null
                                ? ''
                                : html`<span class="badge ${modeOf(tenant.id).mode === 'push' ? 'ok' : ''}"
                                      >${modeOf(tenant.id).mode}</span
                                    >
                                    ${modeOf(tenant.id).why === usual.get(modeOf(tenant.id).mode) ? '' : html`<span class="muted">${modeOf(tenant.id).why}</span>`}`
                            }
                          </td>
                          <td data-label="Last run">
                            ${last === null ? html`<span class="muted">never</span>` : html`<a href="/runs/${encodeURIComponent(last.id)}">${last.startedAt.replace('T', ' ').slice(0, 19)}</a> ${badge(last.status)}`}
                          </td>
                          <td data-label="Last changes">
                            ${lastWork === null ? '' : countsText(lastWork.counts, lastWork.status)}
                          </td>
                          <td data-label="Health">
                            ${[
                              (lastWork?.counts?.failed ?? 0) > 0
                                ? html`${badge('failed')} ${lastWork!.counts!.failed} errors `
                                : '',
                              tenant.status === 'needs approval'
                                ? html`<a href="/tenants/${encodeURIComponent(tenant.id)}#approval"
                                    >${badge('needs approval')}</a
                                  > `
                                : '',
                              open > 0
                                ? html`<div>
                                    <a href="/conflicts?tenant=${encodeURIComponent(tenant.id)}"
                                      >${open} open conflict${open === 1 ? '' : 's'}</a
                                    >
                                  </div>`
                                : '',
                              held(lastWork) > 0
                                ? html`<div>
                                    <a href="/attention?kind=held&amp;tenant=${encodeURIComponent(tenant.id)}"
                                      >${held(lastWork)} held from BMS</a
                                    >
                                  </div>`
                                : '',
                              (lastWork?.counts?.failed ?? 0) === 0 &&
                              tenant.status !== 'needs approval' &&
                              open === 0 &&
                              held(lastWork) === 0
                                ? badge('ok')
                                : '',
                            ]}
                          </td>
                          ${admin ? html`<td>${actionButton(frame, `/tenants/${encodeURIComponent(tenant.id)}/sync`, 'Sync', { fields: { next: '/' } })}</td>` : ''}
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              ${usual.size === 0 ? '' : html`<p class="muted" id="delivery-legend">How changes arrive: ${[...usual].map(([mode, why]) => html`<span class="badge">${mode}</span> ${why}. `)}</p>`}`
      }
      ${
        failedJobs.length === 0
          ? ''
          : html`<h2>Failed jobs</h2>
              <p class="muted">
                Sync jobs the workers gave up on after every retry; the scheduler queues each tenant again at its next
                poll.
              </p>
              <div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th>Tenant</th>
                      <th>Failed</th>
                      <th>Retries</th>
                      <th>Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${failedJobs.map(
                      (j) =>
                        html`<tr>
                          <td>${names.get(j.tenantId) ?? j.tenantId}</td>
                          <td data-label="Failed">${j.failedAt.replace('T', ' ').slice(0, 19)}</td>
                          <td data-label="Retries">${j.retries}</td>
                          <td data-label="Why">${j.error}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
      }`,
    );
  });

  app.post('/tenants/discover', { config: { access: 'admin' } }, async (request, reply) => {
    tools.flash(request, { kind: 'ok', text: await services.discover(actorOf(request.identity!)) });
    return reply.redirect('/', 303);
  });

  app.post('/sync', { config: { access: 'admin' } }, async (request, reply) => {
    const results = await syncAllTenants(store, services.apis().runner, actorOf(request.identity!));
    const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
    tools.flash(request, {
      kind: results.some((r) => r.status === 'failed' || r.status === 'busy') ? 'bad' : 'ok',
      text: results.map((r) => runNotice(names.get(r.tenantId) ?? r.tenantId, r)).join(' '),
    });
    return reply.redirect('/', 303);
  });

  app.post('/tenants/:id/sync', { config: { access: 'admin' } }, async (request, reply) => {
    const tenant = await tenantNamed(store, param(request, 'id'));
    try {
      const result = await syncTenant(store, services.apis().runner, tenant, actorOf(request.identity!));
      tools.flash(request, {
        kind: result.status === 'failed' ? 'bad' : 'ok',
        text: runNotice(tenant.displayName, result),
      });
    } catch (error) {
      // Another run holds the tenant: the page says who, and nothing was done.
      if (!(error instanceof OperationError) || error.code !== 'Conflict') throw error;
      tools.flash(request, { kind: 'bad', text: error.message });
    }
    const next = field(request, 'next');
    return reply.redirect(next === '/' ? '/' : `/tenants/${encodeURIComponent(tenant.id)}`, 303);
  });
}
