import type { ContactsyncConfig } from '../config/config-file.ts';
import type { LinkSettings } from '../operations/deep-links.ts';

/** Where the MSP's IT Glue and BMS live on the web, from the config. */
export function linkSettingsOf(config: ContactsyncConfig): LinkSettings {
  return {
    itglueSubdomain: config.itglue.subdomain ?? null,
    itglueRegion: config.itglue.region,
    bmsRegion: config.bms?.region ?? 'us',
  };
}
