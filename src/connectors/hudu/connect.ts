import type { TransportOptions } from '../http/http-client.ts';
import { createHuduClient } from './client-from-config.ts';
import type { HuduDocStore } from './hudu-doc-store.ts';

/** The `hudu` block of the config file (the config has checked its shape). */
export interface HuduBlock {
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  readonly layout?: string | undefined;
  readonly fields?: Readonly<Record<string, string | undefined>> | undefined;
}

export const huduBlockOf = (block: unknown): HuduBlock => block as HuduBlock;

/** The Hudu client of a config block. */
export function connectHudu(block: HuduBlock, transport: TransportOptions): HuduDocStore {
  return createHuduClient(block, transport);
}
