import { isConnectorError } from '../http/connector-error.ts';
import { notReached, QUICK_CHECK, type CheckResult, type TargetSetup } from '../target-setup.ts';
import { autotaskBlockOf, connectAutotask, type AutotaskBlock } from './connect.ts';
import { autotaskDoctor } from './setup-doctor.ts';

const secret = {
  env: 'CONTACTSYNC_AUTOTASK_SECRET',
  question: "Autotask API user's secret (typing is hidden)",
  secret: true,
  check: (a: string) => (a === '' ? 'give the secret of the API user' : null),
};

/** The zone's web address of each API user signed in, for the config block `init` writes (links into Autotask). */
const webUrls = new Map<string, string>();

async function signIn(block: AutotaskBlock): Promise<CheckResult> {
  const { userName } = block;
  const autotask = connectAutotask(block, QUICK_CHECK);
  try {
    const zone = await autotask.zone();
    if (zone.webUrl !== null) webUrls.set(userName.toLowerCase(), zone.webUrl);
    const threshold = await autotask.threshold();
    return {
      ok: true,
      message: `Autotask PSA${zone.name === null ? '' : ` (zone ${zone.name})`} signed ${userName} in; the database spent ${threshold.used} of its ${threshold.limit} requests this hour.`,
    };
  } catch (error) {
    if (isConnectorError(error, 'Auth'))
      return {
        ok: false,
        message: `Autotask PSA refused ${userName}: check the API user (an API-only resource, by its email address), its secret and the integration code (its API tracking identifier). (${error.message.split('\n')[0]})`,
      };
    return notReached('Autotask PSA', error);
  }
}

/** Autotask PSA as `init`, `config set-secret` and `doctor` set it up and check it. */
export const autotaskSetup: TargetSetup = {
  questions: {
    autotaskUserName: {
      env: 'CONTACTSYNC_AUTOTASK_USER',
      question: 'Autotask API user (its email address)',
      check: (a: string) => (/^\S+@\S+$/.test(a) ? null : 'an Autotask API user is named by its email address'),
    },
    autotaskSecret: secret,
    autotaskIntegrationCode: {
      env: 'CONTACTSYNC_AUTOTASK_INTEGRATION_CODE',
      question: "Autotask integration code (the API user's API tracking identifier)",
      check: (a: string) => (a === '' ? 'give the API tracking identifier of the API user' : null),
    },
  },
  helpEnv: ['CONTACTSYNC_AUTOTASK_USER', secret.env, 'CONTACTSYNC_AUTOTASK_INTEGRATION_CODE'],
  urlEnv: 'CONTACTSYNC_AUTOTASK_URL',
  signIn: async (a, baseUrl) =>
    a.autotaskUserName === undefined || a.autotaskSecret === undefined || a.autotaskIntegrationCode === undefined
      ? null
      : signIn({
          userName: a.autotaskUserName,
          secret: a.autotaskSecret,
          integrationCode: a.autotaskIntegrationCode,
          baseUrl,
        }),
  retry: ['autotaskUserName', 'autotaskIntegrationCode', 'autotaskSecret'],
  configBlock: (a, seal, baseUrl) => {
    const webUrl = a.autotaskUserName === undefined ? undefined : webUrls.get(a.autotaskUserName.toLowerCase());
    return {
      comment: 'Autotask PSA: an API-only user, its secret, and the integration code (its API tracking identifier).',
      block: {
        userName: a.autotaskUserName,
        secret: seal(a.autotaskSecret),
        integrationCode: a.autotaskIntegrationCode,
        ...(baseUrl ? { baseUrl } : {}),
        ...(webUrl === undefined ? {} : { webUrl }),
      },
    };
  },
  summary: (a, mask) => `Autotask ${a.autotaskUserName} / ${mask(a.autotaskSecret)}`,
  secret: {
    field: 'secret',
    what: "the Autotask API user's secret",
    question: secret,
    live: (block, value) => signIn({ ...autotaskBlockOf(block), secret: value }),
  },
  doctorHelp: "check the Autotask API user's permissions and the contact fields its instance requires",
  doctor: autotaskDoctor,
};
