import type { AutotaskConfig } from './autotask/config.ts';
import type { BmsConfig } from './bms/config.ts';
import type { ConnectwiseConfig } from './connectwise/config.ts';
import type { HaloConfig } from './halo/config.ts';
import type { HuduConfig } from './hudu/config.ts';
import type { ItGlueConfig } from './itglue/config.ts';

/**
 * The targets' blocks of the config file under their ids, each typed by its target's folder: for the composition
 * roots that build the targets' clients. The core reads the blocks by role (`configBlocks` of config-file.ts).
 */
export interface ConfigBlocks {
  readonly itglue?: ItGlueConfig | null;
  readonly hudu?: HuduConfig | null;
  readonly bms?: BmsConfig | null;
  readonly autotask?: AutotaskConfig | null;
  readonly connectwise?: ConnectwiseConfig | null;
  readonly halo?: HaloConfig | null;
}

/** The ids of a tenant entry of the config naming its customer record in each target (each profile's `customerIdKey`). */
export interface ConfigTenantIds {
  readonly itglueOrganizationId?: string;
  readonly huduCompanyId?: string;
  readonly bmsAccountId?: number;
  readonly autotaskCompanyId?: number;
  readonly connectwiseCompanyId?: number;
  readonly haloClientId?: number;
}
