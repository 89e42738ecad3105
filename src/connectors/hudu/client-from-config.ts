import { z } from 'zod';
import type { ClientCommon } from '../target-clients.ts';
import { HuduDocStore } from './hudu-doc-store.ts';

/** What the client takes from the config's `hudu` block (the config file's schema checked the rest). */
const huduBlock = z.looseObject({
  baseUrl: z.string(),
  // Absent when the command needs no API (the secrets were not asked for): the client fails on first use.
  apiKey: z.string().default(''),
  layout: z.string().optional(),
  fields: z
    .looseObject({
      title: z.string().optional(),
      phone: z.string().optional(),
      mobile: z.string().optional(),
      otherEmails: z.string().optional(),
      location: z.string().optional(),
    })
    .optional(),
});

/** Hudu's client for the config's `hudu` block. */
export function createHuduClient(block: unknown, common: ClientCommon): HuduDocStore {
  const { baseUrl, apiKey, layout, fields } = huduBlock.parse(block);
  const labels = Object.fromEntries(Object.entries(fields ?? {}).filter(([, value]) => value !== undefined));
  return new HuduDocStore({
    baseUrl,
    apiKey,
    ...(layout === undefined ? {} : { layout }),
    fields: labels,
    ...common,
  });
}
