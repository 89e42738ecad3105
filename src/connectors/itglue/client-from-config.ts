import { z } from 'zod';
import type { Targets } from '../../domain/target-profile.ts';
import type { ClientCommon, DocumentationClient } from '../target-clients.ts';
import { ItGlueDocStore } from './itglue-doc-store.ts';
import { ITGLUE_REGIONS, type ItGlueRegion } from './wire.ts';

/** What the client takes from the config's `itglue` block (the config file's schema checked the rest). */
const itglueBlock = z.looseObject({
  region: z.enum(Object.keys(ITGLUE_REGIONS) as [ItGlueRegion, ...ItGlueRegion[]]).default('us'),
  // Absent when the command needs no API (the secrets were not asked for): the client fails on first use.
  apiKey: z.string().default(''),
  baseUrl: z.string().nullable().optional(),
});

/** IT Glue's client for the config's `itglue` block. */
export function createItGlueClient(block: unknown, common: ClientCommon, targets?: Targets): DocumentationClient {
  const { region, apiKey, baseUrl } = itglueBlock.parse(block);
  // IT Glue's own PSA integration mirrors the contacts of the installation's PSA, when it has one IT Glue knows.
  const psa =
    targets === undefined ? {} : { psa: targets.psa?.id ?? null, psaName: targets.psa?.words.name ?? 'the PSA' };
  return new ItGlueDocStore({ apiKey, region, ...(baseUrl ? { baseUrl } : {}), ...psa, ...common });
}
