import { configBlocks, type ContactsyncConfig } from '../config/config-file.ts';
import type { LinkSettings } from '../operations/deep-links.ts';

/** Where the installation's targets live on the web, from their blocks of the config. */
export function linkSettingsOf(config: ContactsyncConfig): LinkSettings {
  const blocks = configBlocks(config);
  return {
    doc: blocks.doc === null ? null : blocks.doc.target.webApp(blocks.doc.block),
    psa: blocks.psa === null ? null : blocks.psa.target.webApp(blocks.psa.block),
  };
}
