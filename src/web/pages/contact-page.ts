import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SyncDisabled } from '../../domain/link.ts';
import { OperationError, setContactSync, syncNow } from '../../operations/operator-actions.ts';
import type { SyncStep } from '../../sync/tenant-runner.ts';
import { contactView } from '../contact-view.ts';
import { html, type SafeHtml } from '../html.ts';
import { actionButton, badge, type PageFrame } from '../layout.ts';
import type { PageTools } from '../web-app.ts';
import { actorOf, type WebServices } from '../web-context.ts';
import { field, isAdmin, param, query, resultsTable } from './shared.ts';

export interface StepLine {
  readonly step: SyncStep | 'error';
  readonly detail: string;
}

function syncState(disabled: SyncDisabled | null): string {
  return disabled === null
    ? 'not linked'
    : disabled === 'none'
      ? 'enabled'
      : disabled === 'psa'
        ? 'disabled with BMS'
        : 'disabled';
}

/** Manage | Sync now | Disable sync, for one person; on the contact's page and on each row of the list. */
function controls(
  frame: PageFrame,
  base: string,
  disabled: SyncDisabled | null,
  admin: boolean,
  withManage: boolean,
): SafeHtml {
  return html`<div class="actions">
    ${withManage ? html`<a class="button secondary" href="${base}">Manage</a>` : ''}
    ${
      admin
        ? html`<form
            method="post"
            action="${base}/sync-now"
            hx-post="${base}/sync-now"
            hx-target="#sync-steps"
            hx-select="#sync-steps"
            hx-swap="outerHTML"
          >
            <input type="hidden" name="_csrf" value="${frame.csrf}" /><button type="submit">
              <span class="when-idle">Sync now</span><span class="when-busy">Syncing…</span>
            </button>
          </form>`
        : ''
    }
    ${admin && disabled !== null ? (disabled === 'none' ? actionButton(frame, `${base}/disable`, 'Disable sync with BMS', { secondary: true, fields: { leg: 'psa' } }) : actionButton(frame, `${base}/enable`, 'Enable sync', { secondary: true })) : ''}
    ${admin && disabled === 'none' && !withManage ? actionButton(frame, `${base}/disable`, 'Disable sync with IT Glue and BMS', { secondary: true, fields: { leg: 'all' } }) : ''}
  </div>`;
}

const base = (tenantId: string, userId: string) =>
  `/contacts/${encodeURIComponent(tenantId)}/${encodeURIComponent(userId)}`;

export function registerContactPages(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store } = services;

  app.get('/contacts', { config: { access: 'viewer' } }, async (request, reply) => {
    const q = (query(request, 'q') ?? '').trim().toLowerCase();
    const tenants = await store.listTenants();
    const rows: {
      tenantId: string;
      tenantName: string;
      userId: string;
      upn: string;
      name: string;
      disabled: SyncDisabled | null;
    }[] = [];
    for (const tenant of tenants) {
      const links = new Map((await store.listLinks(tenant.id)).map((l) => [l.userId, l]));
      for (const user of await store.loadUsers(tenant.id)) {
        const name = user.displayName ?? '';
        if (
          q !== '' &&
          !user.userPrincipalName.toLowerCase().includes(q) &&
          !name.toLowerCase().includes(q) &&
          !(user.mail ?? '').toLowerCase().includes(q)
        )
          continue;
        rows.push({
          tenantId: tenant.id,
          tenantName: tenant.displayName,
          userId: user.id,
          upn: user.userPrincipalName,
          name,
          disabled: links.get(user.id)?.syncDisabled ?? null,
        });
      }
    }
    const shown = rows.slice(0, 100);
    const frame = tools.frame(request, reply);
    const admin = isAdmin(request);
    return tools.send(
      request,
      reply,
      'Contacts',
      html`<form method="get" action="/contacts" class="actions" role="search">
          <div class="field">
            <label for="q">Find a person</label
            ><input type="text" id="q" name="q" value="${q}" placeholder="name or sign-in name" />
          </div>
          <button type="submit">Search</button>
        </form>
        <p class="muted">
          ${rows.length}
          ${rows.length === 1 ? 'person' : 'people'}${rows.length > shown.length ? `; the first ${shown.length} shown, narrow the search` : ''}.
        </p>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>Person</th>
                <th class="hide-narrow">Tenant</th>
                <th>Sync</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${shown.map(
                (r) =>
                  html`<tr data-user="${r.upn}">
                    <td>
                      <a href="${base(r.tenantId, r.userId)}">${r.name || r.upn}</a>
                      <div class="muted">${r.upn}</div>
                    </td>
                    <td class="hide-narrow" data-label="Tenant">${r.tenantName}</td>
                    <td data-label="Sync">${badge(syncState(r.disabled))}</td>
                    <td>${controls(frame, base(r.tenantId, r.userId), r.disabled, admin, true)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`,
    );
  });

  const contactPage = async (request: FastifyRequest, reply: FastifyReply, steps: readonly StepLine[] | null) => {
    const tenantId = param(request, 'tenantId');
    const userId = param(request, 'userId');
    const view = await contactView(services, tenantId, userId);
    const frame = tools.frame(request, reply);
    const admin = isAdmin(request);
    const disabled = view.link?.syncDisabled ?? null;
    const columns = [
      {
        name: 'Microsoft 365',
        key: 'microsoft' as 'microsoft' | 'itglue' | 'bms',
        link: view.links.microsoft as string | null,
        problem: null as string | null,
      },
      {
        name: 'IT Glue',
        key: 'itglue' as const,
        link: view.links.itglue,
        problem: view.link === null ? 'not linked yet' : view.unreadable.itglue,
      },
      {
        name: 'BMS',
        key: 'bms' as const,
        link: view.links.bms,
        problem: view.link?.psaContactId == null ? 'no BMS contact' : view.unreadable.bms,
      },
    ];
    const last = view.history[0];
    return tools.send(
      request,
      reply,
      view.user.displayName ?? view.user.userPrincipalName,
      html`<p class="muted">
          ${view.user.userPrincipalName} ·
          <a href="/tenants/${encodeURIComponent(view.tenant.id)}">${view.tenant.displayName}</a>
        </p>
        <div class="card">
          <p>
            Sync ${badge(syncState(disabled))} · Linked by
            ${view.link === null ? 'nothing yet' : (view.link.rule ?? 'contactsync (created)')} · Last sync
            ${last === undefined ? 'never' : html`${last.at.replace('T', ' ').slice(0, 19)} ${badge(last.outcome)}`}
          </p>
          <p>
            Microsoft 365 user <code>${view.user.id}</code> · IT Glue contact
            <code>${view.link?.docContactId ?? 'none'}</code> · BMS contact
            <code>${view.link?.psaContactId ?? 'none'}</code>
          </p>
          ${controls(frame, base(tenantId, userId), disabled, admin, false)}
          <div id="sync-steps" aria-live="polite">
            ${
              steps === null
                ? ''
                : html`<h2>Sync now</h2>
                    <ol class="steps">
                      ${steps.map((s) => html`<li data-step="${s.step}" ${s.step === 'error' ? html` class="notice bad"` : ''}><span class="step">${s.step}</span> ${s.detail}</li>`)}
                    </ol>`
            }
          </div>
        </div>
        <h2>Side by side</h2>
        <div class="table-wrap">
          <table class="compare stack">
            <thead>
              <tr>
                <th>Field</th>
                ${columns.map((c) => html`<th>${c.link === null ? c.name : html`<a href="${c.link}" target="_blank" rel="noopener noreferrer">${c.name}</a>`}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${view.rows.map(
                (r) =>
                  html`<tr${r.differs ? html` class="differs" title="The systems hold different values"` : ''} data-field="${r.field}"><th scope="row">${r.field}${r.differs ? html` <span class="badge warn">differs</span>` : ''}</th>${columns.map((c) => html`<td data-label="${c.name}">${c.problem !== null ? html`<span class="muted">${c.problem}</span>` : (r[c.key] ?? html`<span class="muted">–</span>`)}</td>`)}</tr>`,
              )}
            </tbody>
          </table>
        </div>
        <h2>History</h2>
        ${resultsTable(view.history, { showTime: true })}`,
    );
  };

  app.get('/contacts/:tenantId/:userId', { config: { access: 'viewer' } }, (request, reply) =>
    contactPage(request, reply, null),
  );

  app.post('/contacts/:tenantId/:userId/sync-now', { config: { access: 'admin' } }, async (request, reply) => {
    const tenantId = param(request, 'tenantId');
    const userId = param(request, 'userId');
    const steps: StepLine[] = [];
    try {
      await syncNow(store, services.apis().runner, tenantId, userId, actorOf(request.identity!), (step, detail) =>
        steps.push({ step, detail }),
      );
    } catch (error) {
      steps.push({ step: 'error', detail: (error as Error).message });
    }
    return contactPage(request, reply, steps);
  });

  const toggle = (enable: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const tenantId = param(request, 'tenantId');
    const userId = param(request, 'userId');
    const leg = field(request, 'leg') ?? 'psa';
    if (!enable && leg !== 'psa' && leg !== 'all')
      throw new OperationError('Validation', 'leg is psa (BMS only) or all (IT Glue and BMS).');
    const message = await setContactSync(
      store,
      tenantId,
      userId,
      enable ? 'none' : (leg as SyncDisabled),
      actorOf(request.identity!),
    );
    tools.flash(request, { kind: 'ok', text: message });
    return reply.redirect(base(tenantId, userId), 303);
  };
  app.post('/contacts/:tenantId/:userId/disable', { config: { access: 'admin' } }, toggle(false));
  app.post('/contacts/:tenantId/:userId/enable', { config: { access: 'admin' } }, toggle(true));
}
