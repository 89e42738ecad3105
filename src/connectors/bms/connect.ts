import type { TransportOptions } from '../http/http-client.ts';
import type { Psa } from '../../domain/ports.ts';
import { createBmsClient } from './client-from-config.ts';
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
export function connectBms(block: BmsBlock, transport: TransportOptions): Psa {
  return createBmsClient(block, transport);
}
