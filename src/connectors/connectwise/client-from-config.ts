import type { Psa } from '../../domain/ports.ts';
import type { ClientCommon } from '../target-clients.ts';
import { connectConnectwise } from './connect.ts';

/** ConnectWise PSA's client for the config's `connectwise` block. */
export function createConnectwiseClient(block: unknown, common: ClientCommon): Psa {
  return connectConnectwise(block, common);
}
