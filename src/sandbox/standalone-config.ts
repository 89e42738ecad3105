import { basename, extname } from 'node:path';
import type { Seed } from './seed.ts';
import type { RunningSimulators } from './running-simulators.ts';
import { targetById } from '../connectors/registry.ts';

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
      ...(tenant.itglueOrganizationId === undefined ? {} : { itglueOrganizationId: tenant.itglueOrganizationId }),
      ...(tenant.bmsAccountId === undefined ? {} : { bmsAccountId: tenant.bmsAccountId }),
    })),
    settings: seed.settings,
  };
}

/**
 * The config blocks of the targets whose simulators run (`itglue`, `bms`, `autotask`), with the credentials they
 * accept. Autotask's block is given once the registry knows Autotask (the config refuses a block it does not know);
 * its `baseUrl` is the zone's URL, so that no zone is discovered.
 */
export function simulatorBlocks(sims: RunningSimulators): Record<string, Record<string, unknown>> {
  const { credentials, urls } = sims;
  return {
    ...(urls.itglue === null
      ? {}
      : { itglue: { region: 'us', apiKey: credentials.itglueApiKey, baseUrl: urls.itglue } }),
    ...(urls.bms === null
      ? {}
      : {
          bms: {
            region: 'us',
            userName: credentials.bms.userName,
            password: credentials.bms.password,
            tenant: credentials.bms.tenant,
            baseUrl: urls.bms,
          },
        }),
    ...(urls.autotask === null || targetById('autotask') === null
      ? {}
      : {
          autotask: {
            userName: credentials.autotask.userName,
            secret: credentials.autotask.secret,
            integrationCode: credentials.autotask.integrationCode,
            baseUrl: `${urls.autotask}/atservicesrest/`,
          },
        }),
    ...(urls.halo === null || targetById('halo') === null
      ? {}
      : { halo: { baseUrl: urls.halo, clientId: credentials.halo.clientId, secret: credentials.halo.secret } }),
  };
}
