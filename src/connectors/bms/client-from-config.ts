import { z } from 'zod';
import type { Psa } from '../../domain/ports.ts';
import type { ClientCommon } from '../target-clients.ts';
import { BmsPsa } from './bms-psa.ts';
import { BMS_REGIONS, type BmsRegion } from './wire.ts';

/** What the client takes from the config's `bms` block (the config file's schema checked the rest). */
const bmsBlock = z.looseObject({
  region: z.enum(Object.keys(BMS_REGIONS) as [BmsRegion, ...BmsRegion[]]).default('us'),
  userName: z.string(),
  // Absent when the command needs no API (the secrets were not asked for): the sign-in fails on first use.
  password: z.string().default(''),
  tenant: z.string(),
  baseUrl: z.string().nullable().optional(),
});

/** Kaseya BMS's client for the config's `bms` block. */
export function createBmsClient(block: unknown, common: ClientCommon): Psa {
  const { region, userName, password, tenant, baseUrl } = bmsBlock.parse(block);
  return new BmsPsa({
    credentials: { userName, password, tenant },
    region,
    ...(baseUrl ? { baseUrl } : {}),
    ...common,
  });
}
