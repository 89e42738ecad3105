import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantNamed } from '../../operations/operator-actions.ts';
import { OperationError, type OperationProblem } from '../../operations/operation-error.ts';
import { mappingCandidates, mapTenant, unmapTenant, type MappingCandidate } from '../../operations/tenant-mapping.ts';
import type { TenantRecord } from '../../domain/tenant-record.ts';
import { html, type SafeHtml } from '../../html.ts';
import { actionButton } from '../layout.ts';
import type { PageTools } from '../page-tools.ts';
import { actorOf, mappingSystemsOf, type WebServices } from '../web-context.ts';
import { field, param } from './shared.ts';
import type { TargetProfile } from '../../domain/target-profile.ts';
import { customerLabel, withArticle } from '../target-words.ts';

interface MappingForm {
  readonly doc: string;
  readonly psa: string;
  readonly force: string;
  readonly confirm: boolean;
}

/** The choice a confirmation was given for: a confirmation does not carry over to another choice. */
const pairOf = (form: MappingForm | null): string => (form === null ? '' : `${form.doc}|${form.psa}`);

const tenantPath = (tenant: TenantRecord) => `/tenants/${encodeURIComponent(tenant.id)}`;

function option<Id extends string | number>(candidate: MappingCandidate<Id>, chosen: string): SafeHtml {
  return html`<option value="${String(candidate.id)}" ${String(candidate.id) === chosen ? html` selected` : ''}>
    ${candidate.name}${candidate.usedBy === null ? '' : ` — mapped to ${candidate.usedBy}`}
  </option>`;
}

function errorOf(problems: readonly OperationProblem[], key: string): SafeHtml {
  const mine = problems.filter((p) => p.key === key);
  return mine.length === 0
    ? html``
    : html`<p class="error" id="mapping-${key}-error" role="alert">${mine.map((p) => p.message).join(' ')}</p>`;
}

/** One name of the names compared: what it is, and the name. */
function namePair(what: string, name: string): SafeHtml {
  return html`<dl>
    <dt>${what}</dt>
    <dd>${name}</dd>
  </dl>`;
}

/** One target's picker: its customer records, the closest names first; the PSA's may be "none" beside a doc. */
function picker(
  target: TargetProfile,
  candidates: readonly MappingCandidate<string | number>[],
  chosen: string,
  problems: readonly OperationProblem[],
  docAlone: TargetProfile | null,
): SafeHtml {
  return html`<div class="field${problems.some((p) => p.key === target.id) ? ' invalid' : ''}">
    <label for="${target.id}">${customerLabel(target)}</label
    ><select id="${target.id}" name="${target.id}" ${docAlone === null ? html` required` : ''}>
      ${chosen === '' ? html`<option value="" selected>Choose ${withArticle(target.words.customer)}</option>` : ''}
      ${docAlone === null ? '' : html`<option value="none" ${chosen === 'none' ? html` selected` : ''}>none: ${docAlone.words.name} only</option>`}
      ${candidates.map((c) => option(c, chosen))}
    </select>
    ${errorOf(problems, target.id)}
  </div>`;
}

/** The mapping of one tenant: pickers by name (the closest first), refused slips shown beside their field. */
export function registerMappingPage(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store, targets } = services;
  const { doc, psa } = targets;
  // With both targets, the PSA may be left out ("none": the documentation platform alone).
  const docAlone = doc !== null && psa !== null ? doc : null;

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: TenantRecord,
    form: MappingForm | null,
    problems: readonly OperationProblem[],
  ) => {
    const { organizations, accounts } = await mappingCandidates(store, mappingSystemsOf(services), tenant);
    const frame = tools.frame(request, reply);
    const chosenOrg = form?.doc ?? tenant.docCustomerId ?? '';
    // The current mapping is chosen: saving the form unchanged keeps it.
    const chosenAccount =
      form?.psa ??
      (tenant.psaCustomerId === null
        ? docAlone === null || tenant.docCustomerId === null
          ? ''
          : 'none'
        : String(tenant.psaCustomerId));
    const orgName = organizations.find((o) => o.id === chosenOrg)?.name;
    const accountName = accounts?.find((a) => String(a.id) === chosenAccount)?.name;
    const shared = problems.some((p) => p.key === doc?.id || p.key === psa?.id);
    const namesDiffer = problems.some((p) => p.key === 'names');
    return tools.send(
      request,
      reply,
      `Mapping: ${tenant.displayName}`,
      html`${problems.length > 0 ? html`<div class="notice bad" role="alert">Not mapped: check the fields marked below.</div>` : ''}
        <form class="card" method="post" action="${tenantPath(tenant)}/mapping" novalidate>
          <input type="hidden" name="_csrf" value="${frame.csrf}" />
          <p class="muted">The names closest to "${tenant.displayName}" come first.</p>
          ${doc === null ? '' : picker(doc, organizations, chosenOrg, problems, null)}
          ${psa === null ? '' : picker(psa, accounts ?? [], chosenAccount, problems, docAlone)}
          ${
            namesDiffer
              ? html`<div class="field invalid" data-check="names">
                  <p>The names differ; check that they are one customer:</p>
                  <div class="side-by-side names">
                    ${namePair('Microsoft 365 tenant', tenant.displayName)}
                    ${doc === null ? '' : namePair(customerLabel(doc), orgName ?? '–')}
                    ${psa === null ? '' : namePair(customerLabel(psa), accountName ?? 'none')}
                  </div>
                  <input type="hidden" name="confirmed" value="${pairOf(form)}" />
                  <label for="confirm"
                    ><input type="checkbox" id="confirm" name="confirm" /> These are the same customer</label
                  >
                  ${errorOf(problems, 'names')}
                </div>`
              : ''
          }
          ${
            shared || (form?.force ?? '') !== ''
              ? html`<div class="field" data-check="force">
                  <label for="force">Why these two tenants share it (recorded in the audit log)</label
                  ><input type="text" id="force" name="force" value="${form?.force ?? ''}" />
                </div>`
              : ''
          }
          <p class="actions"><button type="submit">Save mapping</button></p>
        </form>
        <div class="actions">
          ${actionButton(frame, `${tenantPath(tenant)}/unmap`, 'Unmap this tenant', { secondary: true })}
          <a href="${tenantPath(tenant)}">Back to ${tenant.displayName}</a>
        </div>`,
      problems.length > 0 ? 409 : 200,
    );
  };

  app.get('/tenants/:id/mapping', { config: { access: 'admin' } }, async (request, reply) =>
    page(request, reply, await tenantNamed(store, param(request, 'id')), null, []),
  );

  app.post('/tenants/:id/mapping', { config: { access: 'admin' } }, async (request, reply) => {
    const tenant = await tenantNamed(store, param(request, 'id'));
    const chosen = {
      doc: doc === null ? '' : (field(request, doc.id) ?? ''),
      psa: psa === null ? '' : (field(request, psa.id) ?? ''),
    };
    const form: MappingForm = {
      ...chosen,
      force: field(request, 'force') ?? '',
      confirm: field(request, 'confirm') === 'on' && field(request, 'confirmed') === `${chosen.doc}|${chosen.psa}`,
    };
    const missing: OperationProblem[] = [
      ...(doc !== null && form.doc === '' ? [{ key: doc.id, message: `Choose the ${customerLabel(doc)}.` }] : []),
      ...(psa !== null && form.psa === ''
        ? [
            {
              key: psa.id,
              message: `Choose the ${customerLabel(psa)}${docAlone === null ? '' : `, or "none: ${docAlone.words.name} only"`}.`,
            },
          ]
        : []),
    ];
    if (missing.length > 0) return page(request, reply, tenant, form, missing);
    try {
      const message = await mapTenant(
        store,
        mappingSystemsOf(services),
        services.targets,
        tenant,
        { doc: form.doc, psa: form.psa === 'none' || form.psa === '' ? null : form.psa },
        { force: form.force, confirmNames: form.confirm },
        { force: 'give the reason below', confirm: 'tick "These are the same customer"' },
        actorOf(request.identity!),
      );
      tools.flash(request, { kind: 'ok', text: message });
      return reply.redirect(tenantPath(tenant), 303);
    } catch (error) {
      if (error instanceof OperationError && error.problems.length > 0)
        return page(request, reply, tenant, form, error.problems);
      throw error;
    }
  });

  app.post('/tenants/:id/unmap', { config: { access: 'admin' } }, async (request, reply) => {
    const tenant = await tenantNamed(store, param(request, 'id'));
    tools.flash(request, {
      kind: 'ok',
      text: await unmapTenant(store, services.targets, tenant, actorOf(request.identity!)),
    });
    return reply.redirect(tenantPath(tenant), 303);
  });
}
