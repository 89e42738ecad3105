import { basename, extname } from 'node:path';
import type { Seed, TenantSeed } from './seed.ts';
import type { RunningSimulators } from './running-simulators.ts';
import { TARGETS, targetById } from '../connectors/registry.ts';
import type { BudgetLimit } from '../connectors/http/request-budget.ts';
import type { TargetId } from '../domain/target-profile.ts';
import { credentialsOf, SANDBOX_TARGETS, sandboxTarget, simulatorOf } from './simulator-registry.ts';

/**
 * A complete contactsync config file that points at running simulators (DESIGN.md, "The simulators on their own"):
 * the credentials they accept in plain text, the seed's tenants (with their settings and mapping) and settings, and a
 * state database of its own beside
 * the config. Every command then runs with `--config` as against real tenants; the simulators' hosts come from the
 * config's `loginUrl`, `graphUrl` and `baseUrl`, as any other host would.
 */
export function standaloneConfig(sims: RunningSimulators, seed: Seed, configPath: string): Record<string, unknown> {
  const { credentials, urls } = sims;
  return {
    database: { sqlitePath: `./${basename(configPath, extname(configPath))}.db` },
    microsoft: {
      partnerTenantId: credentials.partnerTenantId,
      clientId: credentials.graph.clientId,
      clientSecret: credentials.graph.clientSecret,
      loginUrl: urls.login,
      graphUrl: urls.graph,
    },
    ...simulatorBlocks(sims),
    tenants: seed.tenants.map((tenant) => ({
      id: tenant.id,
      displayName: tenant.displayName,
      ...(Object.keys(tenant.settings).length === 0 ? {} : { settings: tenant.settings }),
      ...customerIds(tenant),
    })),
    settings: seed.settings,
  };
}

/** The ids a seed's tenant names its customer records by, under each target's key (`bmsAccountId`, `huduCompanyId`). */
function customerIds(tenant: TenantSeed): Record<string, unknown> {
  const keys = new Set(TARGETS.map((target) => target.customerIdKey));
  return Object.fromEntries(Object.entries(tenant).filter(([key, value]) => keys.has(key) && value !== undefined));
}

/**
 * The config blocks of the targets whose simulators run and the registry knows (the config refuses a block it does
 * not know), each pointing at its simulator with the credentials it accepts.
 */
export function simulatorBlocks(sims: RunningSimulators): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    SANDBOX_TARGETS.flatMap((target) => {
      const url = sims.urlOf(target.id);
      return url === null || targetById(target.id) === null
        ? []
        : [[target.id, target.configBlock(url, credentialsOf(sims.credentials, target))]];
    }),
  );
}

/** Makes the simulators play these limits instead of the vendors' (the demo's shortened windows, a benchmark's). */
export function limitSimulators(sims: RunningSimulators, limits: Partial<Record<TargetId, BudgetLimit>>): void {
  for (const [api, limit] of Object.entries(limits)) {
    const target = sandboxTarget(api);
    const simulator = simulatorOf(sims, api);
    if (target === null || simulator === null || limit === undefined)
      throw new Error(`no simulator of a target ${api} to limit`);
    const limiter = target.limiter(simulator);
    limiter.limit = limit.limit;
    limiter.windowMs = limit.windowMs;
  }
}
