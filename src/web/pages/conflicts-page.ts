import type { FastifyInstance } from 'fastify';
import type { DirectoryUser } from '../../domain/directory-user.ts';
import { resolveConflict, type ConflictChoice, OperationError } from '../../operations/operator-actions.ts';
import type { ConflictRecord } from '../../store/state-store.ts';
import { html, type SafeHtml } from '../html.ts';
import { actionButton, badge, type PageFrame } from '../layout.ts';
import type { PageTools } from '../web-app.ts';
import { actorOf, type WebServices } from '../web-context.ts';
import { field, isAdmin, param, query } from './shared.ts';

interface Candidate {
  readonly id: string;
  readonly lines: readonly string[];
}

const userLines = (user: DirectoryUser | undefined): string[] =>
  user === undefined
    ? []
    : [
        user.displayName ?? '',
        user.jobTitle ?? '',
        user.mail ?? user.userPrincipalName,
        ...user.businessPhones,
        user.mobilePhone ?? '',
      ].filter((l) => l !== '');

function conflictCard(
  frame: PageFrame,
  admin: boolean,
  conflict: ConflictRecord,
  tenantName: string,
  user: DirectoryUser | undefined,
  candidates: readonly Candidate[],
): SafeHtml {
  const action = `/conflicts/${encodeURIComponent(conflict.id)}/resolve`;
  const system = conflict.side === 'itglue' ? 'IT Glue' : 'BMS';
  return html`<section class="card" data-conflict="${conflict.userPrincipalName}">
    <h2>
      ${conflict.userPrincipalName}
      <span class="muted">· ${tenantName} · ${system}${conflict.rule === null ? '' : `, rule "${conflict.rule}"`}</span>
    </h2>
    <p>
      ${candidates.length === 1 ? `Another user also claims this ${system} contact.` : `${candidates.length} ${system} contacts fit this user equally well.`}
      contactsync does not guess: choose.
    </p>
    <div class="side-by-side">
      <div>
        <h3>Microsoft 365 user</h3>
        <dl>${userLines(user).map((l) => html`<dd>${l}</dd>`)}</dl>
      </div>
      ${candidates.map(
        (c) =>
          html`<div>
            <h3>${system} contact ${c.id}</h3>
            <dl>${c.lines.map((l) => html`<dd>${l}</dd>`)}</dl>
            ${admin ? actionButton(frame, action, 'Link to this contact', { fields: { resolution: 'link', contact: c.id } }) : ''}
          </div>`,
      )}
    </div>
    ${admin ? html`<div class="actions" style="margin-top:.8rem">${actionButton(frame, action, 'Create a new contact', { secondary: true, fields: { resolution: 'create' } })}${actionButton(frame, action, 'Leave this user out', { secondary: true, fields: { resolution: 'ignore' } })}</div>` : ''}
  </section>`;
}

/** The conflicts queue: each dispute with the user and its candidates side by side, resolved with one click. */
export function registerConflictsPage(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store } = services;

  const candidatesOf = async (conflict: ConflictRecord): Promise<Candidate[]> => {
    let apis: ReturnType<WebServices['apis']> | null = null;
    try {
      apis = services.apis();
    } catch {
      apis = null;
    }
    return Promise.all(
      conflict.candidates.map(async (id): Promise<Candidate> => {
        try {
          if (apis === null) return { id, lines: [] };
          if (conflict.side === 'itglue') {
            const contact = await apis.itglue.readContact(id);
            if (contact === null) return { id, lines: ['no longer in IT Glue'] };
            return {
              id,
              lines: [
                [contact.firstName, contact.lastName].filter(Boolean).join(' '),
                contact.title ?? '',
                ...contact.emails.map((e) => `${e.value}${e.primary ? ' (primary)' : ''}`),
                ...contact.phones.map((p) => p.value),
              ].filter((l) => l !== ''),
            };
          }
          const contact = apis.bms === null ? null : await apis.bms.readContact(Number(id));
          if (contact === null) return { id, lines: ['no longer in BMS'] };
          return {
            id,
            lines: [
              [contact.firstName, contact.lastName].filter(Boolean).join(' '),
              contact.jobTitle ?? '',
              contact.emailAddress ?? '',
              contact.phoneNumber ?? '',
              contact.isActive ? 'active' : 'inactive',
            ].filter((l) => l !== ''),
          };
        } catch (error) {
          return { id, lines: [`could not be read: ${(error as Error).message}`] };
        }
      }),
    );
  };

  app.get('/conflicts', { config: { access: 'viewer' } }, async (request, reply) => {
    const tenantFilter = query(request, 'tenant');
    const tenants = await store.listTenants();
    const names = new Map(tenants.map((t) => [t.id, t.displayName]));
    const open = await store.listConflicts({
      status: 'open',
      ...(tenantFilter === undefined ? {} : { tenantId: tenantFilter }),
    });
    const resolved = (
      await store.listConflicts({
        status: 'resolved',
        ...(tenantFilter === undefined ? {} : { tenantId: tenantFilter }),
      })
    )
      .slice(-50)
      .reverse();
    const usersByTenant = new Map<string, Map<string, DirectoryUser>>();
    for (const tenantId of new Set(open.map((c) => c.tenantId)))
      usersByTenant.set(tenantId, new Map((await store.loadUsers(tenantId)).map((u) => [u.id, u])));
    const frame = tools.frame(request, reply);
    const admin = isAdmin(request);
    const cards = await Promise.all(
      open.map(async (c) =>
        conflictCard(
          frame,
          admin,
          c,
          names.get(c.tenantId) ?? c.tenantId,
          usersByTenant.get(c.tenantId)?.get(c.userId),
          await candidatesOf(c),
        ),
      ),
    );
    return tools.send(
      request,
      reply,
      'Conflicts',
      html`${tenantFilter === undefined ? '' : html`<p>Tenant ${names.get(tenantFilter) ?? tenantFilter} · <a href="/conflicts">every tenant</a></p>`}
      ${open.length === 0 ? html`<p class="card">No open conflicts.</p>` : cards}
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
                          <td data-label="In">${c.side === 'itglue' ? 'IT Glue' : 'BMS'}</td>
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
    const { message } = await resolveConflict(store, param(request, 'id'), choice, actorOf(request.identity!));
    tools.flash(request, { kind: 'ok', text: message });
    return reply.redirect('/conflicts', 303);
  });
}
