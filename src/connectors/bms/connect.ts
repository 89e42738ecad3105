import type { TransportOptions } from '../http/http-client.ts';
import { BmsPsa } from './bms-psa.ts';
import type { BmsRegion } from './wire.ts';

/** The `bms` block of the config file (the config has checked its shape). */
export interface BmsBlock {
  readonly region: BmsRegion;
  readonly userName: string;
  readonly password?: string | undefined;
  readonly tenant: string;
  readonly baseUrl?: string | undefined;
}

export const bmsBlockOf = (block: unknown): BmsBlock => block as BmsBlock;

/** The BMS client of a config block. */
export function connectBms(block: BmsBlock, transport: TransportOptions): BmsPsa {
  return new BmsPsa({
    credentials: { userName: block.userName, password: block.password ?? '', tenant: block.tenant },
    region: block.region,
    ...(block.baseUrl ? { baseUrl: block.baseUrl } : {}),
    ...transport,
  });
}
