import { z } from 'zod';
import type { Psa } from '../../domain/ports.ts';
import type { ClientCommon } from '../target-clients.ts';
import { AutotaskPsa } from './autotask-psa.ts';

/** What the client takes from the config's `autotask` block (the config file's schema checked the rest). */
const autotaskBlock = z.looseObject({
  userName: z.string(),
  // Absent when the command needs no API (the secrets were not asked for): the sign-in fails on first use.
  secret: z.string().default(''),
  integrationCode: z.string(),
  baseUrl: z.string().nullable().optional(),
});

/** The Autotask client of a config block. */
export function createAutotaskPsa(block: unknown, common: ClientCommon): AutotaskPsa {
  const { userName, secret, integrationCode, baseUrl } = autotaskBlock.parse(block);
  return new AutotaskPsa({
    credentials: { userName, secret, integrationCode },
    ...(baseUrl ? { baseUrl } : {}),
    ...common,
  });
}

/** Autotask PSA's client for the config's `autotask` block. */
export function createAutotaskClient(block: unknown, common: ClientCommon): Psa {
  return createAutotaskPsa(block, common);
}
