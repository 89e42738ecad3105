import { apiHistory, apiLinks, apiRows, apiTenant, apiUnreadable } from './api-shapes.ts';
import { reportedUser } from '../sync/report.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { issueInWords } from '../domain/issue-words.ts';
import { actOnAttention, setBlankPhoneAndSync } from '../operations/attention-actions.ts';
import { sharedContactLists, sharedEvidence } from './shared-reads.ts';
import { conflictNamed } from '../operations/conflict-named.ts';
import { ATTENTION_KINDS, attentionItems, countByKind, type AttentionKind } from '../operations/attention.ts';
import {
  approveInactivations,
  OperationError,
  syncAllTenants,
  syncNow,
  syncTenant,
  resolveConflict,
  saveTenantSettings,
  setContactSync,
  tenantNamed,
  tenantSettings,
} from '../operations/operator-actions.ts';
import { listLimit, listOffset, MAX_AUDIT_LISTED, MAX_RUNS_LISTED, MAX_SKIPPED } from '../operations/list-limit.ts';
import type { SyncStep } from '../run/run-result.ts';
import { mappingCandidates, mapTenant } from '../operations/tenant-mapping.ts';
import { auditLine } from '../operations/audit-text.ts';
import { linkCandidates, relinkContact, reopenDecisions, unlinkContact } from '../operations/contact-decisions.ts';
import { contactView } from './contact-view.ts';
import { LIVE_READS_WORDS, previewOf } from './live-reads.ts';
import { actorOf, liveSystemsOf, type Access, type WebServices } from './web-context.ts';

/** One route of the REST API: registered from this table, and described by the OpenAPI document from it too. */
export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** OpenAPI style: `/api/tenants/{id}` */
  readonly path: string;
  readonly summary: string;
  readonly access: Exclude<Access, 'public'>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: z.ZodType;
  readonly handler: (request: FastifyRequest, services: WebServices) => Promise<unknown>;
}

const resolveBody = z.discriminatedUnion('resolution', [
  z.object({
    resolution: z.literal('link'),
    contactId: z.string().min(1).describe("one of the conflict's candidates"),
  }),
  z.object({ resolution: z.literal('create') }),
  z.object({ resolution: z.literal('ignore') }),
]);
const syncBody = z.object({
  disabled: z
    .enum(['none', 'psa', 'all'])
    .describe('none: sync on; psa: BMS left alone; all: IT Glue and BMS left alone'),
});
const mappingBody = z
  .object({
    itglue: z.string().min(1).optional().describe('the IT Glue organization, by name or id'),
    itglueOrganizationId: z.string().min(1).optional().describe('the IT Glue organization id (or give itglue)'),
    bms: z.string().min(1).nullable().optional().describe('the BMS account by name or id; null: IT Glue only'),
    bmsAccountId: z.number().int().nullable().optional().describe('the BMS account id; null: IT Glue only'),
    force: z
      .string()
      .optional()
      .describe('why the tenant is mapped onto an organization or account another tenant uses; refused without it'),
    confirmNames: z.boolean().optional().describe("the names differ from the tenant's, and they are the same customer"),
  })
  .refine((b) => b.itglue !== undefined || b.itglueOrganizationId !== undefined, {
    message: 'give the IT Glue organization: itglue (a name or id) or itglueOrganizationId',
    path: ['itglue'],
  })
  .refine((b) => b.bms !== undefined || b.bmsAccountId !== undefined, {
    message: 'give the BMS account: bms (a name or id, or null for IT Glue only) or bmsAccountId',
    path: ['bms'],
  });
const unlinkBody = z.object({
  system: z.enum(['all', 'bms']).describe('all: the IT Glue and BMS contacts; bms: the BMS contact only'),
});
const linkBody = z.object({
  system: z.enum(['itglue', 'bms']),
  contactId: z.union([z.string().min(1), z.number().int()]).describe('the contact id, as the candidates list gives it'),
});
const settingsBody = z
  .record(z.string(), z.unknown())
  .describe(
    "the tenant's overrides: any subset of the sync settings (the same JSON shape as the config file); the others follow the global settings",
  );

const attentionBody = z.object({
  action: z.enum(['create', 'ignore', 'approve', 'retry']),
  items: z.array(z.string().min(1)).min(1).describe('ids of items from GET /api/attention'),
});
const blankPhoneBody = z.object({
  value: z.string().min(1).describe('a number such as "000-000-0000", or "tenantMain" for the tenant\'s main number'),
});
const alertTestBody = z.object({ channel: z.string().min(1).describe('the name (or id) of an alert channel') });
const alertsBody = z
  .record(z.string(), z.unknown())
  .describe(
    'the alert settings, the shape of the config file\'s "alerts" block: intervalMinutes, baseUrl, channels (a channel\'s url or smtp.password left out keeps the saved one)',
  );

function params(request: FastifyRequest): Record<string, string> {
  return request.params as Record<string, string>;
}

function bodyOf<T>(schema: z.ZodType<T>, request: FastifyRequest): T {
  const parsed = schema.safeParse(request.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OperationError(
      'Validation',
      `The request body is not valid: ${issue?.path.join('.') || 'body'} ${issue === undefined ? 'is not valid' : issueInWords(issue)}.`,
    );
  }
  return parsed.data;
}

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/api/tenants',
    summary: 'Every tenant with its mapping, status, last run and open conflicts',
    access: 'viewer',
    handler: async (_request, { store, targets }) => {
      const conflicts = await store.listConflicts({ status: 'open' });
      const runs = await store.latestRuns();
      return (await store.listTenants()).map((t) => ({
        ...apiTenant(t, targets),
        lastRun: runs.get(t.id)?.last ?? null,
        openConflicts: conflicts.filter((c) => c.tenantId === t.id).length,
      }));
    },
  },
  {
    method: 'POST',
    path: '/api/tenants/discover',
    summary: 'Find the customer tenants (the configured list, or the GDAP customers) and map each by name',
    access: 'admin',
    handler: async (request, services) => ({ message: await services.discover(actorOf(request.identity!)) }),
  },
  {
    method: 'POST',
    path: '/api/tenants/sync',
    summary: 'Sync every tenant now (a full reconciliation)',
    access: 'admin',
    handler: async (request, services) => {
      const results = await syncAllTenants(services.store, services.apis().runner, actorOf(request.identity!));
      return results.map((r) => ({
        tenantId: r.tenantId,
        status: r.status,
        runId: r.runId,
        counts: r.counts,
        error: r.error,
      }));
    },
  },
  {
    method: 'GET',
    path: '/api/tenants/{id}',
    summary: 'One tenant (by id or name), with its effective settings',
    access: 'viewer',
    handler: async (request, { store, targets }) => {
      const tenant = await tenantNamed(store, params(request).id!);
      return { ...apiTenant(tenant, targets), settings: await tenantSettings(store, tenant.id) };
    },
  },
  {
    method: 'POST',
    path: '/api/tenants/{id}/sync',
    summary: 'Sync one tenant now',
    access: 'admin',
    handler: async (request, services) => {
      const tenant = await tenantNamed(services.store, params(request).id!);
      const r = await syncTenant(services.store, services.apis().runner, tenant, actorOf(request.identity!));
      return {
        tenantId: r.tenantId,
        status: r.status,
        runId: r.runId,
        counts: r.counts,
        error: r.error,
        users: r.users.map((u) => reportedUser(u, services.targets)),
      };
    },
  },
  {
    method: 'GET',
    path: '/api/tenants/{id}/plan',
    summary: `The dry run: what a sync would do, per user, with field diffs; writes nothing. ${LIVE_READS_WORDS}`,
    access: 'viewer',
    query: { outcome: 'only users with this outcome (synced, held, disputed, ...)' },
    handler: async (request, services) => {
      const tenant = await tenantNamed(services.store, params(request).id!);
      const r = await previewOf(services, tenant.id);
      const outcome = (request.query as { outcome?: string }).outcome;
      return {
        tenantId: r.tenantId,
        status: r.status,
        counts: r.counts,
        error: r.error,
        users: r.users
          .filter((u) => outcome === undefined || u.outcome === outcome)
          .map((u) => reportedUser(u, services.targets)),
      };
    },
  },
  {
    method: 'GET',
    path: '/api/tenants/{id}/settings',
    summary: "The tenant's overrides, the global settings and the effective settings",
    access: 'viewer',
    handler: async (request, { store }) => tenantSettings(store, (await tenantNamed(store, params(request).id!)).id),
  },
  {
    method: 'PUT',
    path: '/api/tenants/{id}/settings',
    summary:
      "Replace the tenant's overrides (validated; every problem named by key; a location, contact type, BMS type or group the live systems do not have is refused with the names they have)",
    access: 'admin',
    body: settingsBody,
    handler: async (request, services) => {
      const { store } = services;
      const tenant = await tenantNamed(store, params(request).id!);
      return saveTenantSettings(
        store,
        services.targets,
        tenant,
        bodyOf(settingsBody, request),
        actorOf(request.identity!),
        liveSystemsOf(services),
      );
    },
  },
  {
    method: 'POST',
    path: '/api/tenants/{id}/approve',
    summary: 'Approve the inactivations the deletion guard held back',
    access: 'admin',
    handler: async (request, { store }) => ({
      message: await approveInactivations(
        store,
        await tenantNamed(store, params(request).id!),
        actorOf(request.identity!),
      ),
    }),
  },
  {
    method: 'PUT',
    path: '/api/tenants/{id}/mapping',
    summary:
      'Map the tenant to an IT Glue organization and a BMS account (null: IT Glue only); refused with 409 when another tenant uses them (unless force) or the names differ (unless confirmNames)',
    access: 'admin',
    body: mappingBody,
    handler: async (request, services) => {
      const { store } = services;
      const tenant = await tenantNamed(store, params(request).id!);
      const body = bodyOf(mappingBody, request);
      const bms = body.bms !== undefined ? body.bms : body.bmsAccountId === null ? null : String(body.bmsAccountId);
      const message = await mapTenant(
        store,
        services.apis(),
        services.targets,
        tenant,
        { doc: body.itglue ?? body.itglueOrganizationId!, psa: bms },
        { force: body.force ?? null, confirmNames: body.confirmNames === true },
        { force: 'send "force" with the reason', confirm: 'send "confirmNames": true' },
        actorOf(request.identity!),
      );
      const mapped = await store.getTenant(tenant.id);
      return { message, tenant: mapped === null ? null : apiTenant(mapped, services.targets) };
    },
  },
  {
    method: 'GET',
    path: '/api/tenants/{id}/mapping/candidates',
    summary: 'The IT Glue organizations and BMS accounts the tenant can be mapped to, the closest names first',
    access: 'admin',
    handler: async (request, services) =>
      mappingCandidates(services.store, services.apis(), await tenantNamed(services.store, params(request).id!)),
  },
  {
    method: 'GET',
    path: '/api/conflicts',
    summary: 'The conflicts queue',
    access: 'viewer',
    query: { status: 'open (default) or resolved', tenant: 'a tenant id' },
    handler: async (request, { store }) => {
      const q = request.query as { status?: string; tenant?: string };
      return store.listConflicts({
        status: q.status === 'resolved' ? 'resolved' : 'open',
        ...(q.tenant === undefined ? {} : { tenantId: q.tenant }),
      });
    },
  },
  {
    method: 'GET',
    path: '/api/conflicts/{id}',
    summary: `One open conflict's evidence (by id, its first characters, or the user's sign-in name): the user and each candidate with emails, phones, title, location, dates and links, every field marked same, differs or missing, and the rule. ${LIVE_READS_WORDS}`,
    access: 'viewer',
    handler: async (request, services) => {
      const conflict = await conflictNamed(services.store, services.targets, params(request).id!);
      return (await sharedEvidence(services, conflict.tenantId, [conflict]))[0];
    },
  },
  {
    method: 'POST',
    path: '/api/conflicts/{id}/resolve',
    summary: 'Resolve a conflict: link to a candidate, create a new contact, or leave the user out',
    access: 'admin',
    body: resolveBody,
    handler: async (request, { store, targets }) => {
      const body = bodyOf(resolveBody, request);
      const conflict = await conflictNamed(store, targets, params(request).id!);
      const { message } = await resolveConflict(
        store,
        targets,
        conflict.id,
        body.resolution === 'link' ? { kind: 'link', contactId: body.contactId } : { kind: body.resolution },
        actorOf(request.identity!),
      );
      return { message };
    },
  },
  {
    method: 'GET',
    path: '/api/contacts/{tenantId}/{userId}',
    summary: `Manage: the person as Microsoft 365, IT Glue and BMS hold them, the link, deep links and history. ${LIVE_READS_WORDS}`,
    access: 'viewer',
    handler: async (request, services) => {
      const { tenantId, userId } = params(request);
      const view = await contactView(services, tenantId!, userId!);
      const { targets } = services;
      return {
        tenant: apiTenant(view.tenant, targets),
        user: view.user,
        link: view.link,
        ...(targets.doc === null ? {} : { [targets.doc.id]: view.itglueContact }),
        ...(targets.psa === null ? {} : { [targets.psa.id]: view.bmsContact }),
        unreadable: apiUnreadable(view.unreadable, targets),
        fields: apiRows(view.rows, targets),
        links: apiLinks(view.links, targets),
        history: apiHistory(view.history, targets),
        decisions: view.decisions,
      };
    },
  },
  {
    method: 'POST',
    path: '/api/contacts/{tenantId}/{userId}/sync-now',
    summary: 'Sync now: run the pipeline for this one user and report each step',
    access: 'admin',
    handler: async (request, services) => {
      const { tenantId, userId } = params(request);
      const steps: { step: SyncStep; detail: string }[] = [];
      const result = await syncNow(
        services.store,
        services.apis().runner,
        services.targets,
        tenantId!,
        userId!,
        actorOf(request.identity!),
        (step, detail) => steps.push({ step, detail }),
      );
      return { steps, result: reportedUser(result, services.targets) };
    },
  },
  {
    method: 'POST',
    path: '/api/tenants/{id}/users/{user}/sync',
    summary:
      'Onboarding runbooks: sync one user now (by sign-in name or object id; a new account need not have been read before) and answer with each step: read, scope, match, plan, apply; result is a user of the sync report: itglueContactId a string, bmsContactId a number (null without a contact)',
    access: 'admin',
    handler: async (request, services) => {
      const tenant = await tenantNamed(services.store, params(request).id!);
      const steps: { step: SyncStep; detail: string }[] = [];
      const result = await syncNow(
        services.store,
        services.apis().runner,
        services.targets,
        tenant.id,
        params(request).user!,
        actorOf(request.identity!),
        (step, detail) => steps.push({ step, detail }),
      );
      return {
        tenant: { id: tenant.id, displayName: tenant.displayName },
        user: { id: result.userId, userPrincipalName: result.userPrincipalName },
        outcome: result.outcome,
        steps,
        result: reportedUser(result, services.targets),
      };
    },
  },
  {
    method: 'PUT',
    path: '/api/contacts/{tenantId}/{userId}/sync',
    summary: 'Disable sync (with BMS, or both legs) or enable it again',
    access: 'admin',
    body: syncBody,
    handler: async (request, { store, targets }) => {
      const { tenantId, userId } = params(request);
      return {
        message: await setContactSync(
          store,
          targets,
          tenantId!,
          userId!,
          bodyOf(syncBody, request).disabled,
          actorOf(request.identity!),
        ),
      };
    },
  },
  {
    method: 'POST',
    path: '/api/contacts/{tenantId}/{userId}/reopen',
    summary:
      'Take back the decision about a person (leave out, or create anew); the next sync decides afresh, and a dispute that still stands is in the conflicts queue again',
    access: 'admin',
    handler: async (request, { store, targets }) => {
      const { tenantId, userId } = params(request);
      return { message: await reopenDecisions(store, targets, tenantId!, userId!, actorOf(request.identity!)) };
    },
  },
  {
    method: 'POST',
    path: '/api/contacts/{tenantId}/{userId}/unlink',
    summary: "Undo a person's link (to both contacts, or to the BMS contact only); the next sync matches them afresh",
    access: 'admin',
    body: unlinkBody,
    handler: async (request, { store, targets }) => {
      const { tenantId, userId } = params(request);
      const { system } = bodyOf(unlinkBody, request);
      return { message: await unlinkContact(store, targets, tenantId!, userId!, system, actorOf(request.identity!)) };
    },
  },
  {
    method: 'GET',
    path: '/api/contacts/{tenantId}/{userId}/candidates',
    summary: `The contacts a person can be linked to, the closest names first, with who holds each. ${LIVE_READS_WORDS}`,
    access: 'viewer',
    query: { system: 'itglue (default) or bms' },
    handler: async (request, services) => {
      const { tenantId, userId } = params(request);
      const system = (request.query as { system?: string }).system === 'bms' ? 'bms' : 'itglue';
      const tenant = await tenantNamed(services.store, tenantId!);
      return linkCandidates(
        services.store,
        sharedContactLists(services, tenant.id),
        services.targets,
        tenant.id,
        userId!,
        system,
      );
    },
  },
  {
    method: 'PUT',
    path: '/api/contacts/{tenantId}/{userId}/link',
    summary:
      "Link a person to another IT Glue or BMS contact of the tenant (checked to exist there and be nobody else's)",
    access: 'admin',
    body: linkBody,
    handler: async (request, services) => {
      const { tenantId, userId } = params(request);
      const body = bodyOf(linkBody, request);
      return {
        message: await relinkContact(
          services.store,
          services.apis(),
          services.targets,
          tenantId!,
          userId!,
          { system: body.system, contactId: String(body.contactId) },
          actorOf(request.identity!),
        ),
      };
    },
  },
  {
    method: 'GET',
    path: '/api/runs',
    summary: 'The latest runs, newest first',
    access: 'viewer',
    query: { tenant: 'a tenant id', limit: `how many: 1 to ${MAX_RUNS_LISTED} (default 50)` },
    handler: async (request, { store }) => {
      const q = request.query as { tenant?: string; limit?: unknown };
      return store.listRuns(q.tenant, listLimit(q.limit, 50, MAX_RUNS_LISTED));
    },
  },
  {
    method: 'GET',
    path: '/api/runs/{id}',
    summary: 'One run with its per-user results',
    access: 'viewer',
    handler: async (request, { store, targets }) => {
      const run = await store.getRun(params(request).id!);
      if (run === null) throw new OperationError('NotFound', `No run ${params(request).id}.`);
      return { run, users: (await store.resultsOfRun(run.id)).map((u) => reportedUser(u, targets)) };
    },
  },
  {
    method: 'GET',
    path: '/api/jobs',
    summary: 'The job queue of the workers (scale-out): jobs by state, and the jobs that failed for good with why',
    access: 'viewer',
    handler: async (_request, services) => {
      if (!services.queue) return { scaleOut: false, counts: [], failed: [] };
      return { scaleOut: true, ...(await services.queue.snapshot()) };
    },
  },
  {
    method: 'GET',
    path: '/api/attention',
    summary:
      'Needs attention: every item across tenants that waits for a person (conflict, held, guard-halt, failed, contract-mismatch), grouped by kind and customer; /attention.csv gives the same as CSV',
    access: 'viewer',
    query: { kind: 'only items of this kind', tenant: 'only this tenant (id or name)' },
    handler: async (request, { store, targets }) => {
      const q = request.query as { kind?: string; tenant?: string };
      if (q.kind !== undefined && !(ATTENTION_KINDS as readonly string[]).includes(q.kind))
        throw new OperationError('Validation', `kind is one of ${ATTENTION_KINDS.join(', ')}.`);
      const tenant = q.tenant === undefined ? null : await tenantNamed(store, q.tenant);
      const items = await attentionItems(store, targets, {
        ...(q.kind === undefined ? {} : { kind: q.kind as AttentionKind }),
        ...(tenant === null ? {} : { tenantId: tenant.id }),
      });
      return { counts: countByKind(items), items };
    },
  },
  {
    method: 'POST',
    path: '/api/attention/actions',
    summary:
      'One decision for many items (their ids from GET /api/attention): create (a contact for each dispute), ignore (leave them out), approve (halts) or retry (sync again); each tenant touched is synced',
    access: 'admin',
    body: attentionBody,
    handler: async (request, services) => {
      const body = bodyOf(attentionBody, request);
      return {
        message: await actOnAttention(
          services.store,
          services.apis().runner,
          services.targets,
          body.items,
          body.action,
          actorOf(request.identity!),
        ),
      };
    },
  },
  {
    method: 'POST',
    path: '/api/tenants/{id}/blank-phone',
    summary:
      "Set the tenant's blank-phone replacement (phones.blankReplacement) and sync it again, releasing the contacts held for lack of a phone",
    access: 'admin',
    body: blankPhoneBody,
    handler: async (request, services) => ({
      message: await setBlankPhoneAndSync(
        services.store,
        services.apis().runner,
        services.targets,
        await tenantNamed(services.store, params(request).id!),
        bodyOf(blankPhoneBody, request).value,
        actorOf(request.identity!),
      ),
    }),
  },
  {
    method: 'GET',
    path: '/api/alerts',
    summary: 'Where alerts go: the channels (webhook addresses and passwords masked) and the interval',
    access: 'viewer',
    handler: async (_request, { alerts }) => alerts.view(),
  },
  {
    method: 'PUT',
    path: '/api/alerts',
    summary: 'Replace the alert settings (validated; secrets left out are kept)',
    access: 'admin',
    body: alertsBody,
    handler: async (request, { alerts }) => {
      await alerts.save(bodyOf(alertsBody, request), actorOf(request.identity!));
      return alerts.view();
    },
  },
  {
    method: 'POST',
    path: '/api/alerts/test',
    summary: 'Send a test alert to one channel now; a failure answers 502 with what the channel said',
    access: 'admin',
    body: alertTestBody,
    handler: async (request, { alerts }) => ({
      message: await alerts.test(bodyOf(alertTestBody, request).channel, actorOf(request.identity!)),
    }),
  },
  {
    method: 'POST',
    path: '/api/alerts/send',
    summary: 'Send the alerts that are due now (each channel: at most one message per kind per interval)',
    access: 'admin',
    handler: async (_request, { alerts }) => alerts.dispatch(),
  },
  {
    method: 'GET',
    path: '/api/audit',
    summary: 'The audit log, newest first, each entry also in words (what, tenant and person by name)',
    access: 'viewer',
    query: {
      limit: `how many: 1 to ${MAX_AUDIT_LISTED} (default 100)`,
      offset: `how many to skip (paging): 0 to ${MAX_SKIPPED}`,
      tenant: 'a tenant id or name',
      user: "a person's object id",
      actor: 'who (web:NAME, api:TOKEN, cli:USER)',
      action: 'an action (contact.unlink) or its family (contact)',
    },
    handler: async (request, { store, targets }) => {
      const q = request.query as Record<string, string | undefined>;
      const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
      const entries = await store.listAudit({
        limit: listLimit(q.limit, 100, MAX_AUDIT_LISTED),
        offset: listOffset(q.offset),
        ...(q.tenant === undefined ? {} : { tenantId: (await tenantNamed(store, q.tenant)).id }),
        ...(q.user === undefined ? {} : { userId: q.user }),
        ...(q.actor === undefined ? {} : { actor: q.actor }),
        ...(q.action === undefined ? {} : { action: q.action }),
      });
      return entries.map((entry) => ({ ...entry, text: auditLine(entry, names, targets) }));
    },
  },
];

/** The OpenAPI 3.1 document of the REST API, made from the route table. */
export function openApiDocument(version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = Object.entries(route.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      description,
      schema: { type: 'string' },
    }));
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      description: route.access === 'admin' ? 'Needs the admin role.' : 'Any signed-in role.',
      ...(pathParams.length + queryParams.length === 0 ? {} : { parameters: [...pathParams, ...queryParams] }),
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } },
            },
          }),
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: {} } } },
        400: {
          description: 'Invalid input; the message names the field',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        401: { description: 'No valid API token or session' },
        403: { description: 'The role does not allow this, or a session request without its CSRF token' },
        404: { description: 'Not found' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'contactsync REST API',
      version,
      description:
        'Every action of the web UI. Authenticate with `Authorization: Bearer TOKEN` (tokens are made with `contactsync token add NAME --role viewer|admin`).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                problems: {
                  type: 'array',
                  items: { type: 'object', properties: { key: { type: 'string' }, message: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}

export function registerApiRoutes(app: FastifyInstance, services: WebServices, version = '0.0.0'): void {
  const document = openApiDocument(version);
  app.get('/api/openapi.json', { config: { access: 'public' } }, async () => document);
  for (const route of API_ROUTES) {
    app.route({
      method: route.method,
      url: route.path.replace(/\{(\w+)\}/g, ':$1'),
      config: { access: route.access },
      handler: (request) => route.handler(request, services),
    });
  }
}
