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
  // how messages count a target's customers
  customerPlural: 'accounts',
};
