import { bmsConfig, bmsWebApp } from './config.ts';
import type { TargetProfile } from '../../domain/target-profile.ts';
import { BMS_TEXT_LIMIT } from './wire.ts';

/** Kaseya BMS, the PSA: its facts as the core asks for them. */
export const bmsProfile: TargetProfile = {
  id: 'bms',
  role: 'psa',
  words: { name: 'BMS', fullName: 'Kaseya BMS', customer: 'account', place: 'location' },
  textLimit: BMS_TEXT_LIMIT,
  // one contact a request
  writeBatch: 1,
  // today's key, kept
  customerIdKey: 'bmsAccountId',
  secretEnv: 'CONTACTSYNC_BMS_PASSWORD',
  // what the sync asks of a target: the fields it requires, its fields in words, and how its leavers are written
  requiredFields: [
    { field: 'firstName', label: 'first name' },
    { field: 'emailAddress', label: 'primary email' },
    { field: 'phoneNumber', label: 'primary phone' },
    { field: 'locationId', label: 'location' },
  ],
  fieldLabels: {
    firstName: 'First name',
    lastName: 'Last name',
    jobTitle: 'Job title',
    emailAddress: 'Email',
    emailTypeId: 'Email type',
    phoneNumber: 'Phone',
    phoneTypeId: 'Phone type',
    locationId: 'Location',
    isActive: 'Active',
  },
  leaver: 'inactivate',
  // rate budget
  // Calls per hour, counted per endpoint.
  budget: { limit: 1500, windowMs: 3600_000, defaultShare: 1 },
  // the config file and links into the target's web app
  config: bmsConfig,
  webApp: bmsWebApp,
  // how messages count a target's customers
  customerPlural: 'accounts',
  // one phone field with a type from BMS's lists, emails typed too; its contact list carries no phone or types
  psa: { typed: true, phoneSlots: false, unlistedFields: ['emailTypeId', 'phoneNumber', 'phoneTypeId'] },
};
