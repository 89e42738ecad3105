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
  // how messages count a target's customers
  customerPlural: 'organizations',
};
