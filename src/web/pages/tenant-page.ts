import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SettingsError, settingsOverrideProblems, type SettingsProblem } from '../../domain/settings.ts';
import {
  approveInactivations,
  OperationError,
  saveTenantSettings,
  tenantNamed,
  tenantSettings,
} from '../../operations/operator-actions.ts';
import type { TenantRecord } from '../../domain/tenant-record.ts';
import { psaFactsOf } from '../../domain/target-profile.ts';
import { html } from '../../html.ts';
import { actionButton, badge } from '../layout.ts';
import { overridesFromForm, settingsForm, type FormValues } from '../settings-form.ts';
import type { PageTools } from '../page-tools.ts';
import { actorOf, liveSystemsOf, type WebServices } from '../web-context.ts';
import { settingChoices } from '../../operations/settings-check.ts';
import { LiveReadsExhausted, liveReadsOf, previewOf } from '../live-reads.ts';
import { countsText, isAdmin, mappingText, OUTCOMES, param, query, resultsTable } from './shared.ts';

/** The outcomes of a user a sync writes for (the others wait for a person, or are left alone). */
const CHANGING: ReadonlySet<string> = new Set(['synced', 'inactivated', 'failed']);

/** The preview's first filter when a sync would write nothing: say so, and what waits under the other filters. */
function nothingToWrite(counts: ReadonlyMap<string, number>): string {
  const waiting = OUTCOMES.filter((o) => o !== 'unchanged' && !CHANGING.has(o) && counts.has(o));
  return waiting.length === 0
    ? 'A sync would write nothing now.'
    : `A sync would write nothing now; ${waiting.map((o) => `${counts.get(o)} ${o}`).join(', ')}: under their filters above.`;
}

/**
 * The names the named settings may take, for their dropdowns; none when the APIs cannot be reached, or when the live
 * reads' budget is spent (the fields are then typed, and checked when saved, as without the APIs).
 */
async function formChoices(
  services: WebServices,
  tenant: TenantRecord,
): Promise<Readonly<Record<string, readonly string[] | null>>> {
  const live = liveSystemsOf(services);
  if (live === null) return {};
  let choices: Awaited<ReturnType<typeof settingChoices>>;
  try {
    choices = await liveReadsOf(services).read(tenant.id, 'setting-choices', () =>
      settingChoices(live, tenant, services.targets.psa !== null && psaFactsOf(services.targets.psa).typed),
    );
  } catch (error) {
    if (error instanceof LiveReadsExhausted) return {};
    throw error;
  }
  return {
    'location.default': choices['location.default'],
    contactType: choices.contactType,
    'psa.leaverContactType': choices['psa.leaverContactType'],
    'psa.emailType': choices['psa.emailType']?.map((t) => t.name) ?? null,
    'psa.phoneType': choices['psa.phoneType']?.map((t) => t.name) ?? null,
  };
}

const tenantPath = (tenant: TenantRecord) => `/tenants/${encodeURIComponent(tenant.id)}`;

function fieldCount(problems: readonly SettingsProblem[]): number {
  return new Set(problems.map((p) => p.key)).size;
}

/** The tenant page (settings, approval, runs), its preview, its mapping, and the page of one run. */
export function registerTenantPages(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store } = services;

  const tenantPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: TenantRecord,
    form: { values: FormValues; problems: readonly SettingsProblem[] } | null,
  ) => {
    const frame = tools.frame(request, reply);
    const admin = isAdmin(request);
    const settings = await tenantSettings(store, tenant.id);
    const runs = await store.listRuns(tenant.id, 25);
    const lastRun = runs.find((r) => r.status !== 'unchanged');
    const pending =
      tenant.status === 'needs approval' && lastRun !== undefined
        ? (await store.resultsOfRun(lastRun.id)).filter((u) => u.outcome === 'pending-approval')
        : [];
    const path = tenantPath(tenant);
    return tools.send(
      request,
      reply,
      tenant.displayName,
      html`<div class="card">
          <p>Status ${badge(tenant.status)} · Tenant id <code>${tenant.id}</code></p>
          <p data-mapping>${mappingText(tenant, services.targets)}</p>
          ${tenant.mappingNote === null ? '' : html`<p class="muted" data-mapping-note>${tenant.mappingNote}</p>`}
          <div class="actions">
            ${admin ? actionButton(frame, `${path}/sync`, 'Sync now') : ''}
            <a class="button secondary" href="${path}/preview">Preview (dry run)</a>
            ${admin ? html`<a class="button secondary" href="${path}/mapping">Change mapping</a>` : ''}
          </div>
        </div>
        ${
          tenant.status === 'needs approval'
            ? html`<section class="card" id="approval">
                <h2>Waiting for approval</h2>
                <p>
                  The deletion guard stopped the inactivation of ${pending.length}
                  contact${pending.length === 1 ? '' : 's'}: more than the settings allow in one run. Check them, then
                  approve; the next sync inactivates them.
                </p>
                ${resultsTable(pending, services.targets, { linkTenant: tenant.id })}
                ${admin ? html`<div class="actions" style="margin-top:.8rem">${actionButton(frame, `${path}/approve`, 'Approve the inactivations', { danger: true })}</div>` : html`<p class="muted">An admin approves.</p>`}
              </section>`
            : ''
        }
        <h2 id="settings">Sync settings</h2>
        ${form !== null && form.problems.length > 0 ? html`<div class="notice bad" role="alert">The settings were not saved: ${fieldCount(form.problems)} field${fieldCount(form.problems) === 1 ? ' needs' : 's need'} a change (marked below).</div>` : ''}
        <div class="card">
          ${settingsForm({
            action: `${path}/settings`,
            csrf: frame.csrf,
            values: form === null ? settings.effective : form.values,
            fromForm: form !== null,
            global: settings.global,
            overrides: settings.overrides,
            problems: form?.problems ?? [],
            readOnly: !admin,
            targets: services.targets,
            choices: await formChoices(services, tenant),
          })}
        </div>
        <h2>Runs</h2>
        ${
          runs.length === 0
            ? html`<p class="muted">Not synced yet.</p>`
            : html`<div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th>Started</th>
                      <th>Status</th>
                      <th>Counts</th>
                      <th>Error</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${runs.map(
                      (r) =>
                        html`<tr>
                          <td data-label="Started">
                            <a href="/runs/${encodeURIComponent(r.id)}"
                              >${r.startedAt.replace('T', ' ').slice(0, 19)}</a
                            >
                          </td>
                          <td data-label="Status">${badge(r.status)}</td>
                          <td data-label="Counts">${countsText(r.counts, r.status, services.targets)}</td>
                          ${r.error === null ? html`<td></td>` : html`<td data-label="Error">${r.error}</td>`}
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }`,
      form !== null && form.problems.length > 0 ? 400 : 200,
    );
  };

  app.get('/tenants/:id', { config: { access: 'viewer' } }, async (request, reply) =>
    tenantPage(request, reply, await tenantNamed(store, param(request, 'id')), null),
  );

  app.post('/tenants/:id/settings', { config: { access: 'admin' } }, async (request, reply) => {
    const tenant = await tenantNamed(store, param(request, 'id'));
    const body = (request.body ?? {}) as FormValues;
    const { global } = await tenantSettings(store, tenant.id);
    const form = overridesFromForm(body, global, services.targets);
    // Every problem at once: the numbers that are not numbers, and whatever the settings schema finds in the rest.
    const problems = [...form.problems, ...settingsOverrideProblems(form.overrides)];
    if (problems.length > 0) return tenantPage(request, reply, tenant, { values: body, problems });
    let saved: { version: number };
    try {
      saved = await saveTenantSettings(
        store,
        services.targets,
        tenant,
        form.overrides,
        actorOf(request.identity!),
        liveSystemsOf(services),
      );
    } catch (error) {
      // A name a target does not have: shown beside its field, the names they have offered in its dropdown.
      if (error instanceof SettingsError)
        return tenantPage(request, reply, tenant, { values: body, problems: error.problems });
      throw error;
    }
    tools.flash(request, {
      kind: 'ok',
      text: `Saved the settings of ${tenant.displayName} (version ${saved.version}); the next sync plans with them.`,
    });
    return reply.redirect(`${tenantPath(tenant)}#settings`, 303);
  });

  app.post('/tenants/:id/approve', { config: { access: 'admin' } }, async (request, reply) => {
    const tenant = await tenantNamed(store, param(request, 'id'));
    tools.flash(request, { kind: 'ok', text: await approveInactivations(store, tenant, actorOf(request.identity!)) });
    return reply.redirect(tenantPath(tenant), 303);
  });

  app.get('/tenants/:id/preview', { config: { access: 'viewer' } }, async (request, reply) => {
    const tenant = await tenantNamed(store, param(request, 'id'));
    const result = await previewOf(services, tenant.id);
    const wanted = query(request, 'outcome');
    const outcome = (OUTCOMES as readonly string[]).includes(wanted ?? '') ? wanted! : null;
    // "With changes": the users a sync would write for; the excluded, held and disputed are under their own filters.
    const changing = result.users.filter((u) => CHANGING.has(u.outcome));
    const users = outcome === null ? changing : result.users.filter((u) => u.outcome === outcome);
    const counts = new Map<string, number>();
    for (const u of result.users) counts.set(u.outcome, (counts.get(u.outcome) ?? 0) + 1);
    const path = tenantPath(tenant);
    return tools.send(
      request,
      reply,
      `Preview: ${tenant.displayName}`,
      html`<p>
          What a sync would do now, with every field change (old → new) and why anything is held or disputed. Nothing
          was
          written.${result.status === 'needs approval' ? ' The deletion guard would stop this run for approval.' : ''}
        </p>
        ${result.error === null ? '' : html`<div class="notice bad" role="alert">${result.error}</div>`}
        <nav class="filters" aria-label="Filter by outcome">
          <a href="${path}/preview" ${outcome === null ? html` aria-current="true"` : ''}
            >with changes (${changing.length})</a
          >
          ${OUTCOMES.filter((o) => counts.has(o)).map((o) => html`<a href="${path}/preview?outcome=${o}" ${outcome === o ? html` aria-current="true"` : ''}>${o} (${counts.get(o)})</a>`)}
        </nav>
        ${
          outcome === null && changing.length === 0
            ? html`<p class="muted">${nothingToWrite(counts)}</p>`
            : resultsTable(users, services.targets, { linkTenant: tenant.id })
        }
        <p><a href="${path}">Back to ${tenant.displayName}</a></p>`,
    );
  });

  app.get('/runs/:id', { config: { access: 'viewer' } }, async (request, reply) => {
    const id = param(request, 'id');
    const run = await store.getRun(id);
    if (run === null) throw new OperationError('NotFound', `No run ${id}.`);
    const tenant = await store.getTenant(run.tenantId);
    const all = query(request, 'all') === '1';
    const users = (await store.resultsOfRun(id)).filter((u) => all || u.outcome !== 'unchanged');
    return tools.send(
      request,
      reply,
      `Run of ${tenant?.displayName ?? run.tenantId}`,
      html`<div class="card">
          <p>
            ${badge(run.status)} ${run.startedAt.replace('T', ' ').slice(0, 19)} →
            ${run.finishedAt?.replace('T', ' ').slice(0, 19) ?? 'unfinished'}
          </p>
          <p>${countsText(run.counts, run.status, services.targets)}</p>
          ${run.error === null ? '' : html`<p class="notice bad">${run.error}</p>`}
        </div>
        <p>
          ${all ? html`<a href="/runs/${encodeURIComponent(id)}">Only users with changes</a>` : html`<a href="/runs/${encodeURIComponent(id)}?all=1">Every user, unchanged ones too</a>`}
        </p>
        ${resultsTable(users, services.targets, { linkTenant: run.tenantId })}`,
    );
  });
}
