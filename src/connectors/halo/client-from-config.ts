import { z } from 'zod';
import type { Psa } from '../../domain/ports.ts';
import type { ClientCommon } from '../target-clients.ts';
import { HaloPsa } from './halo-psa.ts';

/** What the client takes from the config's `halo` block (the config file's schema checked the rest). */
const haloBlock = z.looseObject({
  baseUrl: z.string(),
  clientId: z.string(),
  // Absent when the command needs no API (the secrets were not asked for): the sign-in fails on first use.
  secret: z.string().default(''),
  tenant: z.string().nullable().optional(),
  authUrl: z.string().nullable().optional(),
});

/** The Halo client of a config block. */
export function createHaloPsa(block: unknown, common: ClientCommon): HaloPsa {
  const { baseUrl, clientId, secret, tenant, authUrl } = haloBlock.parse(block);
  return new HaloPsa({
    baseUrl,
    credentials: { clientId, secret },
    ...(tenant ? { tenant } : {}),
    ...(authUrl ? { authUrl } : {}),
    ...common,
  });
}

/** HaloPSA's client for the config's `halo` block. */
export function createHaloClient(block: unknown, common: ClientCommon): Psa {
  return createHaloPsa(block, common);
}
