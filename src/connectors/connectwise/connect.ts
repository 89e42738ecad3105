import { z } from 'zod';
import type { TransportOptions } from '../http/http-client.ts';
import { ConnectwisePsa } from './connectwise-psa.ts';

/** What the client takes from the config's `connectwise` block (the config file's schema checked the rest). */
const connectwiseBlock = z.looseObject({
  site: z.string(),
  company: z.string(),
  publicKey: z.string(),
  // Absent when the command needs no API (the secrets were not asked for): the sign-in fails on first use.
  privateKey: z.string().default(''),
  clientId: z.string(),
  codebase: z.string().nullish(),
  baseUrl: z.string().nullish(),
  emailType: z.string().default('Email'),
  phoneType: z.string().default('Direct'),
  mobileType: z.string().default('Cell'),
});
export type ConnectwiseBlock = z.input<typeof connectwiseBlock>;

/** The ConnectWise client of a config block, with what setup and doctor ask of it beyond the port. */
export function connectConnectwise(block: unknown, transport: TransportOptions): ConnectwisePsa {
  const b = connectwiseBlock.parse(block);
  return new ConnectwisePsa({
    credentials: { company: b.company, publicKey: b.publicKey, privateKey: b.privateKey, clientId: b.clientId },
    site: b.site,
    ...(b.codebase ? { codebase: b.codebase } : {}),
    ...(b.baseUrl ? { baseUrl: b.baseUrl } : {}),
    typeNames: { emailType: b.emailType, phoneType: b.phoneType, mobileType: b.mobileType },
    ...transport,
  });
}
