import type { TargetProfile } from '../../domain/target-profile.ts';
import { connectwiseConfig, connectwiseWebApp } from './config.ts';
import { CONNECTWISE_MINUTE_LIMIT, CONNECTWISE_TEXT_LIMIT, CONNECTWISE_TITLE_LIMIT } from './wire.ts';

/** ConnectWise PSA, a PSA: its facts as the core asks for them. */
export const connectwiseProfile: TargetProfile = {
  id: 'connectwise',
  role: 'psa',
  words: { name: 'ConnectWise', fullName: 'ConnectWise PSA', customer: 'company', place: 'site' },
  textLimit: CONNECTWISE_TEXT_LIMIT,
  titleLimit: CONNECTWISE_TITLE_LIMIT,
  // one contact a request
  writeBatch: 1,
  customerIdKey: 'connectwiseCompanyId',
  secretEnv: 'CONTACTSYNC_CONNECTWISE_PRIVATE_KEY',
  // what the sync asks of a target: the fields it requires, its fields in words, and how its leavers are written
  // The one field every client makes mandatory (CONTRACTS.md); the company the client always sends.
  requiredFields: [{ field: 'firstName', label: 'first name' }],
  fieldLabels: {
    firstName: 'First name',
    lastName: 'Last name',
    jobTitle: 'Title',
    emailAddress: 'Email',
    phoneNumber: 'Phone',
    mobilePhone: 'Mobile phone',
    locationId: 'Site',
    isActive: 'Active',
  },
  leaver: 'inactivate',
  // Emails and phones are communication items typed by ConnectWise's own types, which the config block names
  // (connectwise.emailType, phoneType, mobileType): the core's typed lists are BMS's. An item for the office phone
  // and one for the mobile phone.
  psa: {
    typed: false,
    phoneSlots: true,
    typesNamedIn:
      'its communication types, named in the config: connectwise.emailType (the primary email), phoneType (the office phone) and mobileType (the mobile phone)',
  },
  // rate budget
  // None published: the cloud front answers 429 under load. A steady pace of ours, all of it spent.
  budget: { ...CONNECTWISE_MINUTE_LIMIT, defaultShare: 1 },
  // the config file and links into the target's web app
  config: connectwiseConfig,
  webApp: connectwiseWebApp,
  // how messages count a target's customers
  customerPlural: 'companies',
};
