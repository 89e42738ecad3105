import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actOnAttention, setBlankPhoneAndSync } from '../../operations/attention-actions.ts';
import {
  ATTENTION_KINDS,
  attentionCsv,
  attentionItems,
  countByKind,
  counted,
  type AttentionAction,
  type AttentionFilter,
  type AttentionItem,
  type AttentionKind,
} from '../../operations/attention.ts';
import { OperationError, tenantNamed } from '../../operations/operator-actions.ts';
import { html, type SafeHtml } from '../../html.ts';
import type { PageFrame } from '../layout.ts';
import type { PageTools } from '../page-tools.ts';
import { actorOf, type WebServices } from '../web-context.ts';
import { field, isAdmin, query } from './shared.ts';

const HEADINGS: Readonly<Record<AttentionKind, string>> = {
  conflict: 'Conflicts to decide',
  held: 'Held from BMS',
  'guard-halt': 'Deletion-guard halts',
  failed: 'Failed',
  'contract-mismatch': 'Contract mismatches',
};

/** The filter chips: the headings in lower case, with the systems' names as they are written. */
const CHIPS: Readonly<Record<AttentionKind, string>> = {
  conflict: 'conflicts to decide',
  held: 'held from BMS',
  'guard-halt': 'deletion-guard halts',
  failed: 'failed',
  'contract-mismatch': 'contract mismatches',
};

const BUTTONS: Readonly<Record<AttentionKind, readonly { action: AttentionAction; label: string }[]>> = {
  conflict: [
    { action: 'create', label: 'Create a new contact' },
    { action: 'ignore', label: 'Leave out' },
  ],
  held: [{ action: 'retry', label: 'Sync again' }],
  'guard-halt': [{ action: 'approve', label: 'Approve' }],
  failed: [{ action: 'retry', label: 'Sync again' }],
  'contract-mismatch': [{ action: 'retry', label: 'Sync again' }],
};

const isKind = (value: string | undefined): value is AttentionKind =>
  (ATTENTION_KINDS as readonly string[]).includes(value ?? '');

/** The filter of a request: `?kind=held&tenant=Contoso Ltd` (a tenant by id or name). */
async function filterOf(
  request: FastifyRequest,
  services: WebServices,
): Promise<AttentionFilter & { tenantName?: string }> {
  const kind = query(request, 'kind');
  const tenant = query(request, 'tenant');
  const found = tenant === undefined || tenant === '' ? null : await tenantNamed(services.store, tenant);
  return {
    ...(isKind(kind) ? { kind } : {}),
    ...(found === null ? {} : { tenantId: found.id, tenantName: found.displayName }),
  };
}

function hrefOf(filter: { kind?: string | undefined; tenantId?: string | undefined }): string {
  const params = new URLSearchParams();
  if (filter.kind !== undefined) params.set('kind', filter.kind);
  if (filter.tenantId !== undefined) params.set('tenant', filter.tenantId);
  const text = params.toString();
  return text === '' ? '/attention' : `/attention?${text}`;
}

/** The items of one customer under one kind: each with its check box, and the decisions for those selected or all. */
function group(
  frame: PageFrame,
  admin: boolean,
  kind: AttentionKind,
  items: readonly AttentionItem[],
  back: string,
): SafeHtml {
  const first = items[0]!;
  const phoneHeld = kind === 'held' && items.some((i) => i.release?.setting === 'phones.blankReplacement');
  return html`<div class="attention-group" data-tenant="${first.tenantName}" data-kind="${kind}">
    <h3>${first.tenantName} <span class="muted">(${items.length})</span></h3>
    ${
      admin && phoneHeld
        ? html`<form method="post" action="/attention/blank-phone" class="actions inline-form">
            <input type="hidden" name="_csrf" value="${frame.csrf}" />
            <input type="hidden" name="tenant" value="${first.tenantId}" />
            <input type="hidden" name="back" value="${back}" />
            <label for="blank-${first.tenantId}">Phone for contacts without one</label>
            <input type="text" id="blank-${first.tenantId}" name="value" placeholder="000-000-0000" required />
            <button type="submit">Set for ${first.tenantName} and sync</button>
          </form>`
        : ''
    }
    <form method="post" action="/attention/act">
      <input type="hidden" name="_csrf" value="${frame.csrf}" />
      <input type="hidden" name="back" value="${back}" />
      ${items.map((i) => html`<input type="hidden" name="group" value="${i.id}" />`)}
      <div class="table-wrap">
        <table class="stack attention">
          <thead>
            <tr>
              ${admin ? html`<th><span class="visually-hidden">Select</span></th>` : ''}
              <th>${kind === 'guard-halt' || kind === 'contract-mismatch' ? 'Tenant' : 'Who'}</th>
              <th>Why</th>
              <th>${kind === 'held' ? 'Held since' : 'Since'}</th>
              ${kind === 'held' ? html`<th>What releases it</th>` : ''}
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (i) =>
                html`<tr data-item="${i.id}">
                  ${admin ? html`<td class="pick"><input type="checkbox" name="item" value="${i.id}" aria-label="Select ${i.subject}" /></td>` : ''}
                  <td><a href="${i.path}">${i.subject}</a></td>
                  <td data-label="Why">${i.detail}</td>
                  <td class="since" data-label="${kind === 'held' ? 'Held since' : 'Since'}">
                    ${i.since.replace('T', ' ').slice(0, 16)}
                  </td>
                  ${kind === 'held' ? html`<td data-label="What releases it">${i.release?.advice ?? html`<span class="muted">see the reasons</span>`}</td>` : ''}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        admin
          ? html`<div class="actions bulk">
              ${BUTTONS[kind].map((b) => html`<button type="submit" name="action" value="${b.action}" class="secondary">${b.label}: selected</button>`)}
              ${BUTTONS[kind].map((b) => html`<button type="submit" name="action" value="${b.action}-all" class="secondary">${b.label}: all ${items.length}</button>`)}
            </div>`
          : ''
      }
    </form>
  </div>`;
}

/**
 * Creating contacts is not undone by a click: before it, a page names how many, for which customers and people, and
 * says that a BMS dispute (a user with two BMS contacts already) gets a third. Nothing is created until it is confirmed.
 */
async function confirmCreate(
  services: WebServices,
  frame: PageFrame,
  ids: readonly string[],
  back: string,
): Promise<SafeHtml | null> {
  const wanted = new Set(ids);
  const items = (await attentionItems(services.store, services.targets, { kind: 'conflict' })).filter((i) =>
    wanted.has(i.id),
  );
  if (items.length === 0) return null;
  const conflicts = new Map((await services.store.listConflicts({ status: 'open' })).map((c) => [c.id, c]));
  const bms = items.filter((i) => conflicts.get(i.conflictId ?? '')?.side === 'bms');
  const customers = [...new Set(items.map((i) => i.tenantName))];
  return html`<section class="card" id="confirm-create">
    <h2>Create ${counted(items.length, 'new contact')} for ${counted(customers.length, 'customer')}?</h2>
    ${customers.map((customer) => {
      const mine = items.filter((i) => i.tenantName === customer);
      return html`<h3>${customer} <span class="muted">(${mine.length})</span></h3>
        <ul>
          ${mine.map((i) => html`<li>${i.subject} <span class="muted">— ${i.detail}</span></li>`)}
        </ul>`;
    })}
    ${
      bms.length === 0
        ? ''
        : html`<p class="notice bad" id="third-contact">
            ${counted(bms.length, 'person has', 'people have')} two or more BMS contacts already: a new BMS contact for
            ${bms.length === 1 ? 'them' : 'each'} makes a third. Link one of those instead on the
            <a href="/conflicts">Conflicts</a> page if one of them is the person.
          </p>`
    }
    <form method="post" action="/attention/act" class="actions">
      <input type="hidden" name="_csrf" value="${frame.csrf}" />
      <input type="hidden" name="back" value="${back}" />
      <input type="hidden" name="confirmed" value="yes" />
      ${items.map((i) => html`<input type="hidden" name="item" value="${i.id}" />`)}
      <button type="submit" name="action" value="create">Create ${counted(items.length, 'contact')}</button>
      <a class="button secondary" href="${back}">Cancel</a>
    </form>
  </section>`;
}

/** Where a decision leads back to: the page with its filters. */
function backTo(request: FastifyRequest): string {
  const back = field(request, 'back') ?? '/attention';
  return /^\/(attention|conflicts)(\?|$)/.test(back) ? back : '/attention';
}

/** A form field given once or many times, as a list. */
function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
}

/** Needs attention: the technician's start page. Every item across tenants that waits for a person, cleared here. */
export function registerAttentionPage(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store } = services;

  app.get('/attention', { config: { access: 'viewer' } }, async (request, reply) => {
    const filter = await filterOf(request, services);
    const everything = await attentionItems(
      store,
      services.targets,
      filter.tenantId === undefined ? {} : { tenantId: filter.tenantId },
    );
    const counts = countByKind(everything);
    const items = filter.kind === undefined ? everything : everything.filter((i) => i.kind === filter.kind);
    const frame = tools.frame(request, reply);
    const admin = isAdmin(request);
    const tenants = await store.listTenants();
    const back = hrefOf(filter);
    const csv = `/attention.csv${back.slice('/attention'.length)}`;
    return tools.send(
      request,
      reply,
      'Needs attention',
      html`<p>
          Everything that waits for a person, across every customer: decide it here, one item or many at once.
          ${everything.length === 0 ? '' : html`<a href="${csv}">Export CSV</a>`}
        </p>
        <nav class="filters" aria-label="Filter by kind">
          <a
            href="${hrefOf({ tenantId: filter.tenantId })}"
            ${filter.kind === undefined ? html` aria-current="true"` : ''}
            >all (${everything.length})</a
          >
          ${ATTENTION_KINDS.map((k) => html`<a href="${hrefOf({ kind: k, tenantId: filter.tenantId })}" ${filter.kind === k ? html` aria-current="true"` : ''}>${CHIPS[k]} (${counts[k]})</a>`)}
        </nav>
        <form method="get" action="/attention" class="actions" role="search">
          ${filter.kind === undefined ? '' : html`<input type="hidden" name="kind" value="${filter.kind}" />`}
          <div class="field">
            <label for="tenant">Customer</label
            ><select id="tenant" name="tenant">
              <option value="">every customer</option>
              ${tenants.map((t) => html`<option value="${t.id}" ${t.id === filter.tenantId ? html` selected` : ''}>${t.displayName}</option>`)}
            </select>
          </div>
          <button type="submit" class="secondary">Show</button>
        </form>
        ${items.length === 0 ? html`<p class="card" id="all-clear">Nothing waits for a person${filter.kind === undefined && filter.tenantId === undefined ? '' : ' here'}.</p>` : ''}
        ${ATTENTION_KINDS.filter((k) => items.some((i) => i.kind === k)).map((kind) => {
          const ofKind = items.filter((i) => i.kind === kind);
          const byTenant = [...new Set(ofKind.map((i) => i.tenantId))].map((id) =>
            ofKind.filter((i) => i.tenantId === id),
          );
          return html`<section class="card attention-kind" id="${kind}">
            <h2>${HEADINGS[kind]} <span class="muted">(${ofKind.length})</span></h2>
            ${kind === 'conflict' ? html`<p class="muted">Compare the candidates on the <a href="/conflicts${filter.tenantId === undefined ? '' : `?tenant=${encodeURIComponent(filter.tenantId)}`}">Conflicts</a> page to link one; create or leave out many here.</p>` : ''}
            ${byTenant.map((mine) => group(frame, admin, kind, mine, back))}
          </section>`;
        })}`,
    );
  });

  app.get('/attention.csv', { config: { access: 'viewer' } }, async (request, reply) => {
    const filter = await filterOf(request, services);
    const items = await attentionItems(store, services.targets, filter);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="needs-attention.csv"')
      .header('cache-control', 'no-store')
      .send(attentionCsv(items, await services.alerts.linkBase()));
  });

  app.post('/attention/act', { config: { access: 'admin' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const chosen = String(body.action ?? '');
    const all = chosen.endsWith('-all');
    const action = chosen.replace(/-all$/, '');
    if (!['create', 'ignore', 'approve', 'retry'].includes(action))
      throw new OperationError('Validation', 'Choose one of the buttons: create, leave out, approve or sync again.');
    const ids = list(all ? body.group : body.item);
    if (action === 'create' && body.confirmed !== 'yes') {
      const confirm = await confirmCreate(services, tools.frame(request, reply), ids, backTo(request));
      if (confirm !== null) return tools.send(request, reply, 'Create new contacts?', confirm);
    }
    try {
      const message = await actOnAttention(
        store,
        services.apis().runner,
        services.targets,
        ids,
        action as AttentionAction,
        actorOf(request.identity!),
      );
      tools.flash(request, { kind: 'ok', text: message });
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
      tools.flash(request, { kind: 'bad', text: error.message });
    }
    return reply.redirect(backTo(request), 303);
  });

  app.post('/attention/blank-phone', { config: { access: 'admin' } }, async (request, reply) => {
    const tenant = await tenantNamed(store, field(request, 'tenant') ?? '');
    tools.flash(request, {
      kind: 'ok',
      text: await setBlankPhoneAndSync(
        store,
        services.apis().runner,
        services.targets,
        tenant,
        field(request, 'value') ?? '',
        actorOf(request.identity!),
      ),
    });
    return reply.redirect(backTo(request), 303);
  });
}
