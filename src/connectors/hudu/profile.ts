import type { TargetProfile } from '../../domain/target-profile.ts';
import { huduConfig, huduWebApp } from './config.ts';
import { GUESSED_WINDOW_LIMIT, HUDU_TEXT_LIMIT, RATE_WINDOW_MS } from './wire.ts';

/** Hudu, the documentation platform: its facts as the core asks for them. */
export const huduProfile: TargetProfile = {
  id: 'hudu',
  role: 'documentation',
  words: { name: 'Hudu', fullName: 'Hudu', customer: 'company', place: 'location' },
  textLimit: HUDU_TEXT_LIMIT,
  // one asset a request: Hudu has no bulk write
  writeBatch: 1,
  customerIdKey: 'huduCompanyId',
  secretEnv: 'CONTACTSYNC_HUDU_API_KEY',
  // what the sync asks of a target: the fields it requires, its fields in words, and how its leavers are written
  // An asset has a name. The layout's required fields are the MSP's own, read at run time: the client tells them
  // (`requiredFields`), a person lacking one is held from Hudu with the field named, and doctor lists them.
  requiredFields: [{ field: 'name', label: 'name' }],
  fieldLabels: {
    name: 'Name',
    'first-name': 'First name',
    'last-name': 'Last name',
    title: 'Title',
    'location-id': 'Location',
    'contact-emails': 'Emails',
    'contact-phones': 'Phones',
    archived: 'Archived',
  },
  leaver: 'archive',
  // One value per field: the asset's name is the display name (a split Hudu cannot keep, "Mary Ann" + "Smith", is no
  // change), one phone and one mobile, the other emails in one field, and fields the layout may lack.
  flatContact: true,
  // a person's place is a layout field's text: there is no location record to default to
  placeRecords: false,
  // People are assets of one layout: there is no contact type to give them.
  contactTypes: false,
  // rate budget
  // The window resets every 5 minutes; its size is unknown (CONTRACTS.md), a guess from a third-party summary. Two
  // thirds are spent by default: other tools (the CIPP extension, scripts) spend from the same instance.
  budget: { limit: GUESSED_WINDOW_LIMIT, windowMs: RATE_WINDOW_MS, defaultShare: 2 / 3 },
  // the config file and links into the target's web app
  config: huduConfig,
  webApp: huduWebApp,
  // how messages count a target's customers
  customerPlural: 'companies',
};
