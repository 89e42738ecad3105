import { itglueConfig, itglueWebApp } from './config.ts';
import type { TargetProfile } from '../../domain/target-profile.ts';
import { BULK_SIZE, ITGLUE_TEXT_LIMIT } from './wire.ts';

/** IT Glue, the documentation platform: its facts as the core asks for them. */
export const itglueProfile: TargetProfile = {
  id: 'itglue',
  role: 'documentation',
  words: { name: 'IT Glue', fullName: 'IT Glue', customer: 'organization', place: 'location' },
  textLimit: ITGLUE_TEXT_LIMIT,
  writeBatch: BULK_SIZE,
  // today's key, kept
  customerIdKey: 'itglueOrganizationId',
  secretEnv: 'CONTACTSYNC_ITGLUE_API_KEY',
  // what the sync asks of a target: the fields it requires, its fields in words, and how its leavers are written
  requiredFields: [],
  fieldLabels: {
    'first-name': 'First name',
    'last-name': 'Last name',
    title: 'Title',
    'contact-type-id': 'Contact type',
    'location-id': 'Location',
    'contact-emails': 'Emails',
    'contact-phones': 'Phones',
  },
  leaver: 'leaver-type',
  // rate budget
  // Requests per account, counted over 5 minutes; two thirds spent by default, since every other tool the MSP runs
  // against IT Glue spends from the same account (CONTRACTS.md).
  budget: { limit: 3000, windowMs: 5 * 60_000, defaultShare: 2 / 3 },
  // the config file and links into the target's web app
  config: itglueConfig,
  webApp: itglueWebApp,
  // how messages count a target's customers
  customerPlural: 'organizations',
};
