import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { shownPersonName } from '../../normalize/name.ts';
import { linkedByText, type SyncDisabled } from '../../domain/link.ts';
import { OperationError, setContactSync, syncNow } from '../../operations/operator-actions.ts';
import type { SyncStep } from '../../run/run-result.ts';
import {
  decisionText,
  linkCandidates,
  relinkContact,
  reopenDecisions,
  unlinkContact,
  type LinkCandidate,
} from '../../operations/contact-decisions.ts';
import { contactView, type ContactView } from '../contact-view.ts';
import { LiveReadsExhausted } from '../live-reads.ts';
import { sharedContactLists } from '../shared-reads.ts';
import { html, type SafeHtml } from '../../html.ts';
import { actionButton, badge, type PageFrame } from '../layout.ts';
import type { PageTools } from '../page-tools.ts';
import { actorOf, type WebServices } from '../web-context.ts';
import type { TargetProfile, Targets } from '../../domain/target-profile.ts';
import type { ConflictRecord } from '../../domain/conflict-record.ts';
import { shortId } from '../../operations/attention.ts';
import { leadingTarget, targetNames } from '../target-words.ts';
import { contactPath, syncStateText } from './contacts-list-page.ts';
import { field, historyTable, isAdmin, param } from './shared.ts';

export interface StepLine {
  readonly step: SyncStep | 'error';
  readonly detail: string;
}

/** Sync now, Disable or Enable sync, and the decisions that can be taken back: the Manage page's controls. */
function controls(frame: PageFrame, base: string, view: ContactView, admin: boolean, targets: Targets): SafeHtml {
  if (!admin) return html``;
  const { doc, psa } = targets;
  const disabled = view.link?.syncDisabled ?? null;
  const leftOut = view.decisions.some((d) => d.choice === 'ignore');
  return html`<div class="actions">
      <form
        method="post"
        action="${base}/sync-now"
        hx-post="${base}/sync-now"
        hx-target="#sync-steps"
        hx-select="#sync-steps"
        hx-select-oob="#last-sync"
        hx-swap="outerHTML"
      >
        <input type="hidden" name="_csrf" value="${frame.csrf}" /><button type="submit">
          <span class="when-idle">Sync now</span><span class="when-busy">Syncing…</span>
        </button>
      </form>
      ${disabled === 'none' && doc !== null && psa !== null ? actionButton(frame, `${base}/disable`, `Disable sync with ${psa.words.name}`, { secondary: true, fields: { leg: 'psa' } }) : ''}
      ${disabled === 'none' ? actionButton(frame, `${base}/disable`, `Disable sync with ${targetNames(targets)}`, { secondary: true, fields: { leg: 'all' } }) : ''}
      ${disabled === 'psa' || disabled === 'all' ? actionButton(frame, `${base}/enable`, 'Enable sync', { secondary: true }) : ''}
      ${leftOut || view.decisions.length > 0 ? actionButton(frame, `${base}/reopen`, 'Bring back into the sync') : ''}
    </div>
    <div class="actions" data-links>
      <a class="button secondary" href="${base}/link">Link to another contact</a>
      ${view.link === null ? '' : actionButton(frame, `${base}/unlink`, 'Unlink (match afresh)', { secondary: true, fields: { system: 'all' } })}
      ${view.link?.psaContactId == null || doc === null || psa === null ? '' : actionButton(frame, `${base}/unlink`, `Unlink from ${psa.words.name}`, { secondary: true, fields: { system: psa.id } })}
    </div>`;
}

const base = contactPath;

/** A column's cells while the person's contact in its target waits for a decision on Conflicts. */
const WAITS = 'no contact yet: a decision waits';

/**
 * "<target> contact <id>"; without one, that the person has none yet, and when a dispute waits for a decision, a link
 * to it on Conflicts.
 */
function contactIdOf(target: TargetProfile, id: string | number | null, waiting: ConflictRecord | null): SafeHtml {
  const { name } = target.words;
  if (id !== null) return html`${name} contact <code>${String(id)}</code>`;
  if (waiting === null) return html`no ${name} contact`;
  const href = `/conflicts?tenant=${encodeURIComponent(waiting.tenantId)}#conflict-${waiting.id}`;
  const short = shortId(waiting.id);
  return html`<span data-waiting="${target.id}"
    >no ${name} contact yet: a decision waits on <a href="${href}">Conflicts</a> (<code>${short}</code>)</span
  >`;
}

export function registerContactPages(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store, targets } = services;
  const { doc, psa } = targets;

  const contactPage = async (request: FastifyRequest, reply: FastifyReply, steps: readonly StepLine[] | null) => {
    const tenantId = param(request, 'tenantId');
    const userId = param(request, 'userId');
    // After Sync now the sync has run: its page is shown even when the live reads' budget is spent.
    const view = await contactView(services, tenantId, userId, { afterAction: steps !== null });
    const frame = tools.frame(request, reply);
    const admin = isAdmin(request);
    const disabled = view.link?.syncDisabled ?? null;
    const leftOut = view.decisions.find((d) => d.choice === 'ignore');
    const columns: { name: string; key: 'microsoft' | 'doc' | 'psa'; link: string | null; problem: string | null }[] = [
      { name: 'Microsoft 365', key: 'microsoft', link: view.links.microsoft, problem: null },
      ...(doc === null
        ? []
        : [
            {
              name: doc.words.name,
              key: 'doc' as const,
              link: view.links.doc,
              problem:
                view.link === null ? (view.waiting.doc === null ? 'not linked yet' : WAITS) : view.unreadable.doc,
            },
          ]),
      ...(psa === null
        ? []
        : [
            {
              name: psa.words.name,
              key: 'psa' as const,
              link: view.links.psa,
              problem:
                view.link?.psaContactId == null && view.waiting.psa !== null
                  ? WAITS
                  : view.link === null && doc === null
                    ? 'not linked yet'
                    : view.link?.psaContactId == null
                      ? `no ${psa.words.name} contact`
                      : view.unreadable.psa,
            },
          ]),
    ];
    const last = view.history.find((h) => h.result !== null);
    return tools.send(
      request,
      reply,
      shownPersonName(view.user) ?? view.user.userPrincipalName,
      html`<p class="muted">
          ${view.user.userPrincipalName} ·
          <a href="/tenants/${encodeURIComponent(view.tenant.id)}">${view.tenant.displayName}</a>
        </p>
        <div class="card">
          <p id="last-sync">
            Sync
            ${badge(syncStateText(disabled, leftOut !== undefined && leftOut.side === leadingTarget(targets).id, targets))}
            · Linked by: ${view.link === null ? 'not linked yet' : linkedByText(view.link, targets)} · Last sync
            ${last === undefined ? 'never' : html`${last.at.replace('T', ' ').slice(0, 19)} ${badge(last.result!.outcome)}`}
          </p>
          <p>
            Microsoft 365 user <code>${view.user.id}</code>
            ${doc === null ? '' : html`· ${contactIdOf(doc, view.link?.docContactId || null, view.waiting.doc)}`}
            ${psa === null ? '' : html`· ${contactIdOf(psa, view.link?.psaContactId ?? null, view.waiting.psa)}`}
          </p>
          ${
            view.decisions.length === 0
              ? ''
              : html`<p class="notice bad" data-decision>
                  ${view.decisions.map((d) => html`An operator decided on ${d.at.replace('T', ' ').slice(0, 16)}: ${decisionText(d, services.targets)}. `)}
                  ${admin ? 'Bring them back into the sync below; the next sync decides afresh.' : 'An admin can bring them back.'}
                </p>`
          }
          ${controls(frame, base(tenantId, userId), view, admin, targets)}
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
        ${view.links.docHint === null || doc === null ? '' : html`<p class="muted" data-hint="${doc.id}-link">${view.links.docHint}</p>`}
        ${view.links.psaHint === null || psa === null ? '' : html`<p class="muted" data-hint="${psa.id}-link">${view.links.psaHint}</p>`}
        <h2>History</h2>
        ${historyTable(view.history, targets)}`,
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
      await syncNow(
        store,
        services.apis().runner,
        services.targets,
        tenantId,
        userId,
        actorOf(request.identity!),
        (step, detail) => steps.push({ step, detail }),
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
      throw new OperationError(
        'Validation',
        `leg is psa (${psa?.words.name ?? 'the PSA'} only) or all (${targetNames(targets)}).`,
      );
    const message = await setContactSync(
      store,
      services.targets,
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

  app.post('/contacts/:tenantId/:userId/reopen', { config: { access: 'admin' } }, async (request, reply) => {
    const tenantId = param(request, 'tenantId');
    const userId = param(request, 'userId');
    tools.flash(request, {
      kind: 'ok',
      text: await reopenDecisions(store, services.targets, tenantId, userId, actorOf(request.identity!)),
    });
    return reply.redirect(base(tenantId, userId), 303);
  });

  app.post('/contacts/:tenantId/:userId/unlink', { config: { access: 'admin' } }, async (request, reply) => {
    const tenantId = param(request, 'tenantId');
    const userId = param(request, 'userId');
    const system: Parameters<typeof unlinkContact>[3] =
      psa !== null && field(request, 'system') === psa.id ? psa.id : 'all';
    tools.flash(request, {
      kind: 'ok',
      text: await unlinkContact(store, services.targets, tenantId, userId, system, actorOf(request.identity!)),
    });
    return reply.redirect(base(tenantId, userId), 303);
  });

  const linkPage = async (request: FastifyRequest, reply: FastifyReply, problem: string | null) => {
    const tenantId = param(request, 'tenantId');
    const userId = param(request, 'userId');
    // An admin's choice is made from the contacts as they are now, read afresh (and counted); after a refused link
    // the page is shown even when the budget is spent.
    const read = { fresh: true, afterAction: problem !== null };
    const view = await contactView(services, tenantId, userId, { afterAction: read.afterAction });
    const frame = tools.frame(request, reply);
    const apis = services.apis();
    const picker = async (target: TargetProfile) => {
      const system = target.id;
      const current = target === doc ? (view.link?.docContactId ?? null) : String(view.link?.psaContactId ?? '');
      let candidates: LinkCandidate[];
      try {
        candidates = await linkCandidates(
          store,
          sharedContactLists(services, tenantId, read),
          services.targets,
          tenantId,
          userId,
          target.id,
        );
      } catch (error) {
        if (error instanceof LiveReadsExhausted) throw error;
        return html`<p class="muted">${(error as Error).message}</p>`;
      }
      return html`<form class="card" method="post" action="${base(tenantId, userId)}/link">
        <input type="hidden" name="_csrf" value="${frame.csrf}" />
        <input type="hidden" name="system" value="${system}" />
        <div class="field">
          <label for="link-${system}">${target.words.name} contact</label
          ><select id="link-${system}" name="contact">
            ${candidates.map(
              (c) =>
                html`<option
                  value="${c.id}"
                  ${c.id === current ? html` selected` : ''}${c.linkedTo !== null && c.id !== current ? html` disabled` : ''}
                >
                  ${c.name}${c.email === null ? '' : ` <${c.email}>`}${c.id === current ? ' — linked now' : c.linkedTo === null ? '' : ` — linked to ${c.linkedTo}`}
                </option>`,
            )}
          </select>
        </div>
        <p class="actions"><button type="submit">Link to this contact</button></p>
      </form>`;
    };
    return tools.send(
      request,
      reply,
      `Link ${shownPersonName(view.user) ?? view.user.userPrincipalName} to another contact`,
      html`${problem === null ? '' : html`<div class="notice bad" role="alert">${problem}</div>`}
        <p class="muted">
          The closest names come first. Contacts linked to someone else cannot be chosen: unlink them first.
        </p>
        ${
          doc === null
            ? ''
            : html`<h2>${doc.words.name}</h2>
                ${await picker(doc)}`
        }
        ${
          psa === null || apis.psa === null || view.tenant.psaCustomerId === null
            ? ''
            : html`<h2>${psa.words.name}</h2>
                ${await picker(psa)}`
        }
        <p><a href="${base(tenantId, userId)}">Back to ${view.user.displayName ?? view.user.userPrincipalName}</a></p>`,
      problem === null ? 200 : 409,
    );
  };

  app.get('/contacts/:tenantId/:userId/link', { config: { access: 'admin' } }, (request, reply) =>
    linkPage(request, reply, null),
  );

  app.post('/contacts/:tenantId/:userId/link', { config: { access: 'admin' } }, async (request, reply) => {
    const tenantId = param(request, 'tenantId');
    const userId = param(request, 'userId');
    const chosen = psa !== null && field(request, 'system') === psa.id ? psa : leadingTarget(targets);
    try {
      const message = await relinkContact(
        store,
        services.apis(),
        services.targets,
        tenantId,
        userId,
        { system: chosen.id, contactId: field(request, 'contact') ?? '' },
        actorOf(request.identity!),
      );
      tools.flash(request, { kind: 'ok', text: message });
      return reply.redirect(base(tenantId, userId), 303);
    } catch (error) {
      if (error instanceof OperationError) return linkPage(request, reply, error.message);
      throw error;
    }
  });
}
