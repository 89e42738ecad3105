import { isConnectorError } from '../http/connector-error.ts';
import { notReached, QUICK_CHECK, regionQuestion, type CheckResult, type TargetSetup } from '../target-setup.ts';
import { bmsBlockOf, connectBms, type BmsBlock } from './connect.ts';
import { askTypeIds, TYPE_QUESTIONS } from './setup-types.ts';
import { bmsDoctor } from './setup-doctor.ts';
import { BMS_MFA_REQUIRED, type BmsRegion } from './wire.ts';

const password = {
  env: 'CONTACTSYNC_BMS_PASSWORD',
  question: 'Kaseya BMS password (typing is hidden)',
  secret: true,
  check: (a: string) => (a === '' ? 'give the password' : null),
};

async function signIn(block: BmsBlock): Promise<CheckResult> {
  const { region, userName } = block;
  try {
    await connectBms(block, QUICK_CHECK).listAccounts();
    return { ok: true, message: `Kaseya BMS (${region}) signed ${userName} in.` };
  } catch (error) {
    if (isConnectorError(error, 'Auth'))
      return {
        ok: false,
        message:
          error.apiCode === BMS_MFA_REQUIRED
            ? `Kaseya BMS (region ${region}) refused the login: ${userName} has multi-factor authentication (MFA), and contactsync signs in unattended: use an API user without MFA.`
            : `Kaseya BMS (region ${region}) refused the login: check the user name, the password and the tenant (the company name at login), and that the user is an API employee. (${error.message.split('\n')[0]})`,
      };
    return notReached('Kaseya BMS', error);
  }
}

/** Kaseya BMS as `init`, `config set-secret` and `doctor` set it up and check it. */
export const bmsSetup: TargetSetup = {
  questions: {
    bmsRegion: regionQuestion('CONTACTSYNC_BMS_REGION', 'Kaseya BMS region (us, emea or apac)', ['us', 'emea', 'apac']),
    bmsTenant: {
      env: 'CONTACTSYNC_BMS_TENANT',
      question: 'Kaseya BMS tenant (the company name at login)',
      check: (a: string) => (a === '' ? 'give the company name you type at the BMS login' : null),
    },
    bmsUserName: {
      env: 'CONTACTSYNC_BMS_USER',
      question: 'Kaseya BMS API user name',
      check: (a: string) => (a === '' ? 'give the user name of an API employee' : null),
    },
    bmsPassword: password,
    ...TYPE_QUESTIONS,
  },
  helpEnv: ['CONTACTSYNC_BMS_USER', password.env, 'CONTACTSYNC_BMS_TENANT'],
  urlEnv: 'CONTACTSYNC_BMS_URL',
  signIn: async (a, baseUrl) =>
    a.bmsTenant === undefined || a.bmsUserName === undefined || a.bmsPassword === undefined
      ? null
      : signIn({
          userName: a.bmsUserName,
          password: a.bmsPassword,
          tenant: a.bmsTenant,
          region: (a.bmsRegion ?? 'us') as BmsRegion,
          baseUrl,
        }),
  retry: ['bmsTenant', 'bmsUserName', 'bmsPassword'],
  afterSignIn: { keys: Object.keys(TYPE_QUESTIONS), ask: askTypeIds },
  configBlock: (a, seal, baseUrl) => ({
    comment: 'Kaseya BMS: an API employee with API access; region us, emea or apac.',
    block: {
      region: a.bmsRegion ?? 'us',
      userName: a.bmsUserName,
      password: seal(a.bmsPassword),
      tenant: a.bmsTenant,
      ...(baseUrl ? { baseUrl } : {}),
    },
  }),
  configSettings: (a) => {
    const types = {
      ...(a.bmsEmailType === undefined ? {} : { emailType: Number(a.bmsEmailType) }),
      ...(a.bmsPhoneType === undefined ? {} : { phoneType: Number(a.bmsPhoneType) }),
    };
    return Object.keys(types).length === 0
      ? null
      : {
          comment: 'The BMS email and phone types by id: init found that BMS cannot give them by name.',
          settings: { psa: types },
        };
  },
  summary: (a, mask) => `BMS ${a.bmsUserName} / ${mask(a.bmsPassword)} (${a.bmsTenant})`,
  secret: {
    field: 'password',
    what: 'the Kaseya BMS password',
    question: password,
    live: (block, value) => signIn({ ...bmsBlockOf(block), password: value }),
  },
  doctorHelp: "check the BMS connector against BMS's Swagger document",
  doctor: bmsDoctor,
};
