import type { TransportOptions } from '../http/http-client.ts';
import { createHaloPsa } from './client-from-config.ts';
import type { HaloPsa } from './halo-psa.ts';

/** The `halo` block of the config file (the config has checked its shape). */
export interface HaloBlock {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly secret?: string | undefined;
  readonly tenant?: string | null | undefined;
  readonly authUrl?: string | null | undefined;
  readonly webUrl?: string | null | undefined;
}

export const haloBlockOf = (block: unknown): HaloBlock => block as HaloBlock;

/** The Halo client of a config block, with what setup and doctor ask of it beyond the port. */
export function connectHalo(block: HaloBlock, transport: TransportOptions): HaloPsa {
  return createHaloPsa(block, transport);
}
