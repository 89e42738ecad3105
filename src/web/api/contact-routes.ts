import { z } from 'zod';
import { contactIdKey, presentTargets, type Targets } from '../../domain/target-profile.ts';
import { conflictNamed } from '../../operations/conflict-named.ts';
import { linkCandidates, relinkContact, reopenDecisions, unlinkContact } from '../../operations/contact-decisions.ts';
import { resolveConflict, setContactSync, syncNow, tenantNamed } from '../../operations/operator-actions.ts';
import { reportedUser } from '../../sync/report.ts';
import type { SyncStep } from '../../run/run-result.ts';
import {
  apiConflict,
  apiDecision,
  apiHistory,
  apiLink,
  apiLinks,
  apiRows,
  apiTenant,
  apiUnreadable,
} from '../api-shapes.ts';
import { contactView } from '../contact-view.ts';
import { liveReadsWords } from '../live-reads.ts';
import { sharedContactLists, sharedEvidence } from '../shared-reads.ts';
import { inWords, leadingTarget, targetNames } from '../target-words.ts';
import { actorOf } from '../web-context.ts';
import { bodyOf, params, type ApiRoute } from './api-route.ts';

const resolveBody = z.discriminatedUnion('resolution', [
  z.object({
    resolution: z.literal('link'),
    contactId: z.string().min(1).describe("one of the conflict's candidates"),
  }),
  z.object({ resolution: z.literal('create') }),
  z.object({ resolution: z.literal('ignore') }),
]);

/** The conflicts queue and what a person decides about one. */
function conflictRoutes(targets: Targets): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/conflicts',
      summary: 'The conflicts queue',
      access: 'viewer',
      query: { status: 'open (default) or resolved', tenant: 'a tenant id' },
      handler: async (request, { store }) => {
        const q = request.query as { status?: string; tenant?: string };
        const conflicts = await store.listConflicts({
          status: q.status === 'resolved' ? 'resolved' : 'open',
          ...(q.tenant === undefined ? {} : { tenantId: q.tenant }),
        });
        return conflicts.map(apiConflict);
      },
    },
    {
      method: 'GET',
      path: '/api/conflicts/{id}',
      summary: `One open conflict's evidence (by id, its first characters, or the user's sign-in name): the user and each candidate with emails, phones, title, location, dates and links, every field marked same, differs or missing, and the rule. ${liveReadsWords(targets)}`,
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
      handler: async (request, { store }) => {
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
  ];
}

/** One person: the Manage view, Sync now, and the decisions about their sync and their links. */
export function contactRoutes(targets: Targets): ApiRoute[] {
  const { doc, psa } = targets;
  const psaName = psa?.words.name ?? 'the PSA';
  const leading = leadingTarget(targets);
  const ids = presentTargets(targets).map((t) => t.id);
  // The PSA contact alone can be unlinked only where a documentation platform keeps the person linked.
  const psaAlone = doc !== null && psa !== null ? psa : null;
  const syncBody = z.object({
    disabled: z
      .enum(['none', 'psa', 'all'])
      .describe(`none: sync on; psa: ${psaName} left alone; all: ${targetNames(targets)} left alone`),
  });
  const unlinkBody = z.object({
    system: z
      .enum(['all', ...(psaAlone === null ? [] : [psaAlone.id])])
      .describe(
        `all: the ${targetNames(targets)} ${ids.length === 1 ? 'contact' : 'contacts'}${psaAlone === null ? '' : `; ${psaAlone.id}: the ${psaAlone.words.name} contact only`}`,
      ),
  });
  const linkBody = z.object({
    system: z.enum(ids as [string, ...string[]]),
    contactId: z
      .union([z.string().min(1), z.number().int()])
      .describe('the contact id, as the candidates list gives it'),
  });
  /** The target a body or a query names by id; the leading one when it names none. */
  const targetNamed = (id: string | undefined) => (psa !== null && id === psa.id ? psa : leading);
  const contactIds = [
    ...(doc === null ? [] : [`${contactIdKey(doc)} a string`]),
    ...(psa === null ? [] : [`${contactIdKey(psa)} a number`]),
  ].join(', ');
  return [
    ...conflictRoutes(targets),
    {
      method: 'GET',
      path: '/api/contacts/{tenantId}/{userId}',
      summary: `Manage: the person as ${inWords(['Microsoft 365', ...presentTargets(targets).map((t) => t.words.name)])} hold them, the link, deep links and history. ${liveReadsWords(targets)}`,
      access: 'viewer',
      handler: async (request, services) => {
        const { tenantId, userId } = params(request);
        const view = await contactView(services, tenantId!, userId!);
        return {
          tenant: apiTenant(view.tenant, targets),
          user: view.user,
          link: apiLink(view.link),
          ...(doc === null ? {} : { [doc.id]: view.docContact }),
          ...(psa === null ? {} : { [psa.id]: view.psaContact }),
          unreadable: apiUnreadable(view.unreadable, targets),
          fields: apiRows(view.rows, targets),
          links: apiLinks(view.links, targets),
          history: apiHistory(view.history, targets),
          decisions: view.decisions.map(apiDecision),
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
        return { steps, result: reportedUser(result, targets) };
      },
    },
    {
      method: 'POST',
      path: '/api/tenants/{id}/users/{user}/sync',
      summary: `Onboarding runbooks: sync one user now (by sign-in name or object id; a new account need not have been read before) and answer with each step: read, scope, match, plan, apply; result is a user of the sync report: ${contactIds} (null without a contact)`,
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
          result: reportedUser(result, targets),
        };
      },
    },
    {
      method: 'PUT',
      path: '/api/contacts/{tenantId}/{userId}/sync',
      summary: `Disable sync (with ${psaName}, or both legs) or enable it again`,
      access: 'admin',
      body: syncBody,
      handler: async (request, { store }) => {
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
      handler: async (request, { store }) => {
        const { tenantId, userId } = params(request);
        return { message: await reopenDecisions(store, targets, tenantId!, userId!, actorOf(request.identity!)) };
      },
    },
    {
      method: 'POST',
      path: '/api/contacts/{tenantId}/{userId}/unlink',
      summary: `Undo a person's link (${psaAlone === null ? 'to their contact' : `to both contacts, or to the ${psaAlone.words.name} contact only`}); the next sync matches them afresh`,
      access: 'admin',
      body: unlinkBody,
      handler: async (request, { store }) => {
        const { tenantId, userId } = params(request);
        const { system } = bodyOf(unlinkBody, request);
        // The body's schema takes only 'all' and the PSA's id.
        return { message: await unlinkContact(store, targets, tenantId!, userId!, system, actorOf(request.identity!)) };
      },
    },
    {
      method: 'GET',
      path: '/api/contacts/{tenantId}/{userId}/candidates',
      summary: `The contacts a person can be linked to, the closest names first, with who holds each. ${liveReadsWords(targets)}`,
      access: 'viewer',
      query: { system: inWords([`${leading.id} (default)`, ...ids.filter((id) => id !== leading.id)], 'or') },
      handler: async (request, services) => {
        const { tenantId, userId } = params(request);
        const target = targetNamed((request.query as { system?: string }).system);
        const tenant = await tenantNamed(services.store, tenantId!);
        return linkCandidates(
          services.store,
          sharedContactLists(services, tenant.id),
          services.targets,
          tenant.id,
          userId!,
          target.id,
        );
      },
    },
    {
      method: 'PUT',
      path: '/api/contacts/{tenantId}/{userId}/link',
      summary: `Link a person to another ${targetNames(targets, 'or')} contact of the tenant (checked to exist there and be nobody else's)`,
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
            { system: targetNamed(body.system).id, contactId: String(body.contactId) },
            actorOf(request.identity!),
          ),
        };
      },
    },
  ];
}
