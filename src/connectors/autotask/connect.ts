import type { TransportOptions } from '../http/http-client.ts';
import type { AutotaskPsa } from './autotask-psa.ts';
import { createAutotaskPsa } from './client-from-config.ts';

/** The `autotask` block of the config file (the config has checked its shape). */
export interface AutotaskBlock {
  readonly userName: string;
  readonly secret?: string | undefined;
  readonly integrationCode: string;
  readonly baseUrl?: string | undefined;
  readonly webUrl?: string | undefined;
}

export const autotaskBlockOf = (block: unknown): AutotaskBlock => block as AutotaskBlock;

/** The Autotask client of a config block, with what setup and doctor ask of it beyond the port. */
export function connectAutotask(block: AutotaskBlock, transport: TransportOptions): AutotaskPsa {
  return createAutotaskPsa(block, transport);
}
