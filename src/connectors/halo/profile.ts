import type { TargetProfile } from '../../domain/target-profile.ts';
import { haloConfig, haloWebApp } from './config.ts';
import { HALO_LIMIT, HALO_TEXT_LIMIT } from './wire.ts';

/** HaloPSA, a PSA: its facts as the core asks for them. */
export const haloProfile: TargetProfile = {
  id: 'halo',
  role: 'psa',
  words: { name: 'Halo', fullName: 'HaloPSA', customer: 'client', place: 'site' },
  textLimit: HALO_TEXT_LIMIT,
  // one user a request (a POST takes an array, but how Halo answers one bad item among several is unknown)
  writeBatch: 1,
  customerIdKey: 'haloClientId',
  secretEnv: 'CONTACTSYNC_HALO_SECRET',
  // what the sync asks of a target: the fields it requires, its fields in words, and how its leavers are written
  // A user needs a name (made from the first name) and a site: the one the location rule finds, else the client's main
  // one; a client without a site holds its new users, as Halo would refuse them.
  requiredFields: [
    { field: 'firstName', label: 'first name' },
    { field: 'locationId', label: 'site' },
  ],
  fieldLabels: {
    firstName: 'First name',
    lastName: 'Surname',
    jobTitle: 'Job title',
    emailAddress: 'Email',
    phoneNumber: 'Phone',
    mobilePhone: 'Mobile',
    locationId: 'Site',
    isActive: 'Active',
    directoryId: 'Azure object id',
    directoryTenantId: 'Azure tenant id',
  },
  leaver: 'inactivate',
  // no typed email or phone lists; a field for the office phone and one for the mobile; the Entra ids kept natively
  psa: { typed: false, phoneSlots: true, directoryId: true },
  // rate budget
  // Per instance and shared by every tool the MSP runs: half is spent unless `apiLimits.halo` says otherwise.
  budget: { ...HALO_LIMIT, defaultShare: 0.5 },
  // the config file and links into the target's web app
  config: haloConfig,
  webApp: haloWebApp,
  // how messages count a target's customers
  customerPlural: 'clients',
};
