import { z } from 'zod';
import type { Targets } from '../../domain/target-profile.ts';
import { setBlankPhoneAndSync } from '../../operations/attention-actions.ts';
import {
  approveInactivations,
  saveTenantSettings,
  syncAllTenants,
  syncTenant,
  tenantNamed,
  tenantSettings,
} from '../../operations/operator-actions.ts';
import { reportedUser } from '../../sync/report.ts';
import type { TenantRunResult } from '../../run/run-result.ts';
import { apiTenant } from '../api-shapes.ts';
import { liveReadsWords, previewOf } from '../live-reads.ts';
import { actorOf, liveSystemsOf } from '../web-context.ts';
import { settingsNotApplying } from '../../operations/settings-applying.ts';
import { bodyOf, params, type ApiRoute } from './api-route.ts';

const settingsBody = z
  .record(z.string(), z.unknown())
  .describe(
    "the tenant's overrides: any subset of the sync settings (the same JSON shape as the config file); the others follow the global settings",
  );
const blankPhoneBody = z.object({
  value: z.string().min(1).describe('a number such as "000-000-0000", or "tenantMain" for the tenant\'s main number'),
});

/** A run's outcome without its users, as the sync routes answer it. */
function runSummary(r: TenantRunResult): Record<string, unknown> {
  return { tenantId: r.tenantId, status: r.status, runId: r.runId, counts: r.counts, error: r.error };
}

/** The tenants: their list, mapping by discovery, syncs, the preview, settings and approvals. */
export function tenantRoutes(targets: Targets): ApiRoute[] {
  const { psa } = targets;
  return [
    {
      method: 'GET',
      path: '/api/tenants',
      summary: 'Every tenant with its mapping, status, last run and open conflicts',
      access: 'viewer',
      handler: async (_request, { store }) => {
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
      handler: async (request, services) =>
        (await syncAllTenants(services.store, services.apis().runner, actorOf(request.identity!))).map(runSummary),
    },
    {
      method: 'GET',
      path: '/api/tenants/{id}',
      summary: 'One tenant (by id or name), with its effective settings',
      access: 'viewer',
      handler: async (request, { store }) => {
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
        return { ...runSummary(r), users: r.users.map((u) => reportedUser(u, targets)) };
      },
    },
    {
      method: 'GET',
      path: '/api/tenants/{id}/plan',
      summary: `The dry run: what a sync would do, per user, with field diffs; writes nothing. ${liveReadsWords(targets)}`,
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
            .map((u) => reportedUser(u, targets)),
        };
      },
    },
    {
      method: 'GET',
      path: '/api/tenants/{id}/settings',
      summary:
        "The tenant's overrides, the global settings and the effective settings, and the settings the targets present do not read (notUsed: each with why)",
      access: 'viewer',
      handler: async (request, { store }) => ({
        ...(await tenantSettings(store, (await tenantNamed(store, params(request).id!)).id)),
        notUsed: Object.fromEntries(settingsNotApplying(targets)),
      }),
    },
    {
      method: 'PUT',
      path: '/api/tenants/{id}/settings',
      summary: `Replace the tenant's overrides (validated; every problem named by key; a location, contact type${psa === null ? '' : `, ${psa.words.name} type`} or group the live systems do not have is refused with the names they have)`,
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
  ];
}
