import type { FastifyInstance } from 'fastify';
import type { CandidateEvidence, ConflictEvidence } from '../../operations/conflict-evidence.ts';
import type { ConflictRecord } from '../../domain/conflict-record.ts';
import {
  resolveConflict,
  tenantNamed,
  type ConflictChoice,
  OperationError,
} from '../../operations/operator-actions.ts';
import { html, type SafeHtml } from '../../html.ts';
import { actionButton, badge, type PageFrame } from '../layout.ts';
import type { PageTools } from '../page-tools.ts';
import { LIVE_READ_LIMITS } from '../live-read-limits.ts';
import { sharedEvidence } from '../shared-reads.ts';
import { actorOf, type WebServices } from '../web-context.ts';
import { field, isAdmin, param, query } from './shared.ts';
import type { Targets } from '../../domain/target-profile.ts';
import { nameOfTarget, targetNames } from '../target-words.ts';

const BULK_FORM = 'conflicts-bulk';
const date = (value: string) => value.replace('T', ' ').slice(0, 16);

/** "made … · changed …", leaving out each date the target does not give (nothing when it gives neither). */
function datesOf(c: CandidateEvidence): SafeHtml {
  const dates = [
    ...(c.createdAt === null ? [] : [`made ${date(c.createdAt)}`]),
    ...(c.updatedAt === null ? [] : [`changed ${date(c.updatedAt)}`]),
  ];
  return dates.length === 0 ? html`` : html`<div class="muted">${dates.join(' · ')}</div>`;
}

const VERDICT: Readonly<Record<string, { label: string; css: string }>> = {
  same: { label: 'same', css: 'agree' },
  differs: { label: 'differs', css: 'differs' },
  missing: { label: '', css: 'missing' },
};

const NOT_GIVEN = html`<span class="muted">not given</span>`;

/**
 * A candidate's value of a field, marked the same as the user's or not; a side without a value reads "not given",
 * and a value the user has none of stands alone (there is nothing to compare it with).
 */
function candidateValue(value: string | null, verdict: string | undefined): SafeHtml {
  const v = VERDICT[verdict ?? 'missing']!;
  if (value === null) return NOT_GIVEN;
  return v.label === '' ? html`${value}` : html`${value} <span class="verdict ${v.css}">${v.label}</span>`;
}

function candidateHead(c: CandidateEvidence, system: string, targets: Targets): SafeHtml {
  const { doc, psa } = targets;
  return html`<div class="candidate-head">
    <strong>${c.name || `${system} contact`}</strong>
    ${c.link === null ? html`<span class="muted">${system} ${c.id}</span>` : html`<a href="${c.link}" target="_blank" rel="noopener noreferrer">${system} ${c.id}</a>`}
    ${c.active === null ? '' : badge(c.active ? 'active' : 'inactive')}
    ${c.linkedTo === null ? '' : html`<div class="muted">linked to ${c.linkedTo}</div>`} ${datesOf(c)}
    ${
      c.psa === null
        ? c.system === doc?.id && psa !== null
          ? html`<div class="muted">no ${psa.words.name} contact</div>`
          : ''
        : html`<div>
            ${psa?.words.name}
            ${c.psa.link === null ? c.psa.id : html`<a href="${c.psa.link}" target="_blank" rel="noopener noreferrer">${c.psa.id}</a>`}
            <span class="muted">(${c.psa.by})</span>
          </div>`
    }
    ${c.unreadable === null ? '' : html`<div class="notice bad">${c.unreadable}</div>`}
  </div>`;
}

/** One dispute: the user and every candidate, field by field, each value marked as the same as the user's or not. */
function conflictCard(frame: PageFrame, admin: boolean, e: ConflictEvidence, targets: Targets): SafeHtml {
  const action = `/conflicts/${encodeURIComponent(e.id)}/resolve`;
  const system = nameOfTarget(targets, e.side);
  const fields = ['Name', 'Email', 'Phone', 'Title', 'Location'] as const;
  const userValue = (f: (typeof fields)[number]) =>
    f === 'Name'
      ? e.user.name
      : f === 'Email'
        ? e.user.emails.join(', ')
        : f === 'Phone'
          ? e.user.phones.join(', ')
          : f === 'Title'
            ? e.user.title
            : e.user.location;
  return html`<section class="card conflict" data-conflict="${e.user.userPrincipalName}" id="conflict-${e.id}">
    <h2>
      ${admin ? html`<input type="checkbox" form="${BULK_FORM}" name="item" value="conflict:${e.shortId}" aria-label="Select ${e.user.userPrincipalName}" /> ` : ''}${e.user.userPrincipalName}
      <span class="muted">· ${e.tenantName} · ${system} · <code>${e.shortId}</code></span>
    </h2>
    <p>${e.why} Choose below.</p>
    <div class="table-wrap">
      <table class="stack evidence">
        <thead>
          <tr>
            <th>Field</th>
            <th>
              <div class="candidate-head">
                <strong>Microsoft 365 user</strong>
                <a href="${e.user.link}" target="_blank" rel="noopener noreferrer">Entra</a>
              </div>
            </th>
            ${e.candidates.map((c) => html`<th>${candidateHead(c, system, targets)}</th>`)}
          </tr>
        </thead>
        <tbody>
          <tr class="narrow-only">
            <th scope="row">Who</th>
            <td data-label="Microsoft 365">
              <a href="${e.user.link}" target="_blank" rel="noopener noreferrer">Entra</a>
            </td>
            ${e.candidates.map((c) => html`<td data-label="${system} ${c.id}">${candidateHead(c, system, targets)}</td>`)}
          </tr>
          ${fields.map(
            (f) =>
              html`<tr data-field="${f}">
                <th scope="row">${f}</th>
                <td data-label="Microsoft 365">${userValue(f) || NOT_GIVEN}</td>
                ${e.candidates.map((c) => {
                  const row = c.fields.find((x) => x.field === f);
                  // an unreadable candidate has no fields: its cells stay blank beside the reason in its head
                  if (row === undefined)
                    return html`<td data-label="${system} ${c.id}"><span class="muted">–</span></td>`;
                  return html`<td data-label="${system} ${c.id}" class="${VERDICT[row.verdict]!.css}">
                    ${candidateValue(row.candidate, row.verdict)}
                  </td>`;
                })}
              </tr>`,
          )}
          ${
            admin
              ? html`<tr class="choose">
                  <th scope="row">Choose</th>
                  <td data-label="Microsoft 365"></td>
                  ${e.candidates.map((c) => html`<td data-label="${system} ${c.id}">${actionButton(frame, action, 'Link to this contact', { fields: { resolution: 'link', contact: c.id } })}</td>`)}
                </tr>`
              : ''
          }
        </tbody>
      </table>
    </div>
    ${e.candidates.map((c) => html`<h3 class="visually-hidden">${system} contact ${c.id}</h3>`)}
    ${admin ? html`<div class="actions" style="margin-top:.8rem">${actionButton(frame, action, 'Create a new contact', { secondary: true, fields: { resolution: 'create' } })}${actionButton(frame, action, 'Leave this user out', { secondary: true, fields: { resolution: 'ignore' } })}</div>` : ''}
  </section>`;
}

/** The conflicts queue: each dispute decided from evidence, one by one or many at once, filtered by customer. */
export function registerConflictsPage(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store } = services;

  app.get('/conflicts', { config: { access: 'viewer' } }, async (request, reply) => {
    const wanted = query(request, 'tenant');
    const tenant = wanted === undefined || wanted === '' ? null : await tenantNamed(store, wanted);
    const tenants = await store.listTenants();
    const names = new Map(tenants.map((t) => [t.id, t.displayName]));
    const scope = tenant === null ? {} : { tenantId: tenant.id };
    const open = await store.listConflicts({ status: 'open', ...scope });
    const resolved = (await store.listConflicts({ status: 'resolved', ...scope })).slice(-50).reverse();
    // Read per tenant, so that a customer's page and the page of every customer share the same reads.
    const byTenant = new Map<string, ConflictRecord[]>();
    for (const c of open) byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c]);
    const read = await Promise.all([...byTenant].map(([id, conflicts]) => sharedEvidence(services, id, conflicts)));
    const order = new Map(open.map((c, i) => [c.id, i]));
    const evidence = read.flat().toSorted((a, b) => order.get(a.id)! - order.get(b.id)!);
    const frame = tools.frame(request, reply);
    const admin = isAdmin(request);
    const back = tenant === null ? '/conflicts' : `/conflicts?tenant=${encodeURIComponent(tenant.id)}`;
    return tools.send(
      request,
      reply,
      'Conflicts',
      html`<form method="get" action="/conflicts" class="actions" role="search">
          <div class="field">
            <label for="tenant">Customer</label
            ><select id="tenant" name="tenant">
              <option value="">every customer</option>
              ${tenants.map((t) => html`<option value="${t.id}" ${t.id === tenant?.id ? html` selected` : ''}>${t.displayName}</option>`)}
            </select>
          </div>
          <button type="submit" class="secondary">Show</button>
        </form>
        <p class="muted">
          ${open.length} open${tenant === null ? '' : ` at ${tenant.displayName}`}. Each candidate is read from
          ${targetNames(services.targets, 'or')} (one read is shared for
          ${services.liveReadLimits?.cacheSeconds ?? LIVE_READ_LIMITS.cacheSeconds} s, unless a run or an action comes
          in between); a value the same as the Microsoft 365 user's is marked
          <span class="verdict agree">same</span>, a different one <span class="verdict differs">differs</span>.
        </p>
        ${
          admin && open.length > 0
            ? html`<form method="post" action="/attention/act" id="${BULK_FORM}" class="actions bulk">
                <input type="hidden" name="_csrf" value="${frame.csrf}" />
                <input type="hidden" name="back" value="${back}" />
                <span>The conflicts selected:</span>
                <button type="submit" name="action" value="create" class="secondary">
                  Create a new contact for each
                </button>
                <button type="submit" name="action" value="ignore" class="secondary">Leave them out</button>
              </form>`
            : ''
        }
        ${open.length === 0 ? html`<p class="card">No open conflicts.</p>` : evidence.map((e) => conflictCard(frame, admin, e, services.targets))}
        ${
          resolved.length === 0
            ? ''
            : html`<h2>Resolved</h2>
                <div class="table-wrap">
                  <table class="stack">
                    <thead>
                      <tr>
                        <th>User</th>
                        <th>Tenant</th>
                        <th>In</th>
                        <th>Resolution</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${resolved.map(
                        (c) =>
                          html`<tr>
                            <td>${c.userPrincipalName}</td>
                            <td data-label="Tenant">${names.get(c.tenantId) ?? c.tenantId}</td>
                            <td data-label="In">${nameOfTarget(services.targets, c.side)}</td>
                            <td data-label="Resolution">
                              ${badge('resolved')}
                              ${c.resolution ?? ''}${c.resolutionTarget === null ? '' : ` → ${c.resolutionTarget}`}
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
        }`,
    );
  });

  app.post('/conflicts/:id/resolve', { config: { access: 'admin' } }, async (request, reply) => {
    const resolution = field(request, 'resolution');
    const choice: ConflictChoice =
      resolution === 'link'
        ? { kind: 'link', contactId: field(request, 'contact') ?? '' }
        : resolution === 'create'
          ? { kind: 'create' }
          : resolution === 'ignore'
            ? { kind: 'ignore' }
            : (() => {
                throw new OperationError('Validation', 'resolution is link (with contact), create or ignore.');
              })();
    const { message } = await resolveConflict(
      store,
      services.targets,
      param(request, 'id'),
      choice,
      actorOf(request.identity!),
    );
    tools.flash(request, { kind: 'ok', text: message });
    return reply.redirect('/conflicts', 303);
  });
}
