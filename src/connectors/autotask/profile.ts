import type { TargetProfile } from '../../domain/target-profile.ts';
import { autotaskConfig, autotaskWebApp } from './config.ts';
import { AUTOTASK_HOURLY_LIMIT, AUTOTASK_TEXT_LIMIT } from './wire.ts';

/** Autotask PSA, a PSA: its facts as the core asks for them. */
export const autotaskProfile: TargetProfile = {
  id: 'autotask',
  role: 'psa',
  words: { name: 'Autotask', fullName: 'Autotask PSA', customer: 'company', place: 'location' },
  textLimit: AUTOTASK_TEXT_LIMIT,
  // one contact a request
  writeBatch: 1,
  customerIdKey: 'autotaskCompanyId',
  secretEnv: 'CONTACTSYNC_AUTOTASK_SECRET',
  // what the sync asks of a target: the fields it requires, its fields in words, and how its leavers are written
  // What Autotask refuses to create a contact without (companyID and isActive the client always sends); doctor names
  // any further field an instance requires.
  requiredFields: [
    { field: 'firstName', label: 'first name' },
    { field: 'lastName', label: 'last name' },
  ],
  fieldLabels: {
    firstName: 'First name',
    lastName: 'Last name',
    jobTitle: 'Title',
    emailAddress: 'Email',
    phoneNumber: 'Phone',
    mobilePhone: 'Mobile phone',
    locationId: 'Location',
    isActive: 'Active',
  },
  leaver: 'inactivate',
  // no typed email or phone lists; a field for the office phone and one for the mobile phone
  psa: { typed: false, phoneSlots: true },
  // rate budget
  // Per database and shared by every integration the MSP runs: half is spent unless `apiLimits.autotask` says otherwise.
  budget: { ...AUTOTASK_HOURLY_LIMIT, defaultShare: 0.5 },
  // the config file and links into the target's web app
  config: autotaskConfig,
  webApp: autotaskWebApp,
  // how messages count a target's customers
  customerPlural: 'companies',
};
