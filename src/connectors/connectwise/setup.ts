import { isConnectorError } from '../http/connector-error.ts';
import { notReached, QUICK_CHECK, type CheckResult, type SetupAnswers, type TargetSetup } from '../target-setup.ts';
import { connectConnectwise } from './connect.ts';
import { connectwiseDoctor } from './setup-doctor.ts';

const privateKey = {
  env: 'CONTACTSYNC_CONNECTWISE_PRIVATE_KEY',
  question: "ConnectWise API member's private key (typing is hidden)",
  secret: true,
  check: (a: string) => (a === '' ? 'give the private key of the API member' : null),
};

/** The codebase each company signed in answered, for the config block `init` writes (links into ConnectWise). */
const codebases = new Map<string, string>();

async function signIn(block: Record<string, unknown>): Promise<CheckResult> {
  const company = String(block.company);
  const connectwise = connectConnectwise(block, QUICK_CHECK);
  try {
    const base = await connectwise.apiBase();
    const codebase = /\/([^/]+\/)apis\/3\.0\/$/.exec(base)?.[1];
    if (codebase !== undefined) codebases.set(company.toLowerCase(), codebase);
    const version = await connectwise.version();
    return {
      ok: true,
      message: `ConnectWise PSA${version === null ? '' : ` ${version}`} signed the API member of ${company} in${codebase === undefined ? '' : ` (codebase ${codebase})`}.`,
    };
  } catch (error) {
    if (isConnectorError(error, 'Auth'))
      return {
        ok: false,
        message: `ConnectWise PSA refused the API member of ${company}: check the site, the company id, the public and private keys (System > Members > API Members) and the clientId (developer.connectwise.com). (${error.message.split('\n')[0]})`,
      };
    return notReached('ConnectWise PSA', error);
  }
}

function blockOf(a: SetupAnswers, baseUrl: string | undefined): Record<string, unknown> | null {
  const { connectwiseSite: site, connectwiseCompany: company, connectwisePublicKey: publicKey } = a;
  const { connectwisePrivateKey: key, connectwiseClientId: clientId } = a;
  if ([site, company, publicKey, key, clientId].some((v) => v === undefined)) return null;
  return { site, company, publicKey, privateKey: key, clientId, ...(baseUrl ? { baseUrl } : {}) };
}

/** ConnectWise PSA as `init`, `config set-secret` and `doctor` set it up and check it. */
export const connectwiseSetup: TargetSetup = {
  questions: {
    connectwiseSite: {
      env: 'CONTACTSYNC_CONNECTWISE_SITE',
      question: 'ConnectWise site (the address of its login page, such as na.myconnectwise.net)',
      fallback: 'na.myconnectwise.net',
      check: (a: string) => (/^\S+\.\S+$/.test(a) ? null : 'the site is a host name, such as na.myconnectwise.net'),
    },
    connectwiseCompany: {
      env: 'CONTACTSYNC_CONNECTWISE_COMPANY',
      question: 'ConnectWise company id (the company typed at login)',
      check: (a: string) => (a === '' ? 'give the company id typed at login' : null),
    },
    connectwisePublicKey: {
      env: 'CONTACTSYNC_CONNECTWISE_PUBLIC_KEY',
      question: "ConnectWise API member's public key",
      check: (a: string) => (a === '' ? 'give the public key of the API member' : null),
    },
    connectwisePrivateKey: privateKey,
    connectwiseClientId: {
      env: 'CONTACTSYNC_CONNECTWISE_CLIENT_ID',
      question: 'ConnectWise clientId (registered at developer.connectwise.com)',
      check: (a: string) => (a === '' ? 'ConnectWise requires a clientId on every call' : null),
    },
  },
  helpEnv: [
    'CONTACTSYNC_CONNECTWISE_SITE',
    'CONTACTSYNC_CONNECTWISE_COMPANY',
    'CONTACTSYNC_CONNECTWISE_PUBLIC_KEY',
    privateKey.env,
    'CONTACTSYNC_CONNECTWISE_CLIENT_ID',
  ],
  urlEnv: 'CONTACTSYNC_CONNECTWISE_URL',
  signIn: async (a, baseUrl) => {
    const block = blockOf(a, baseUrl);
    return block === null ? null : signIn(block);
  },
  retry: ['connectwiseCompany', 'connectwisePublicKey', 'connectwisePrivateKey', 'connectwiseClientId'],
  configBlock: (a, seal, baseUrl) => {
    const codebase = a.connectwiseCompany === undefined ? undefined : codebases.get(a.connectwiseCompany.toLowerCase());
    return {
      comment:
        'ConnectWise PSA: the login site and company, an API member key pair, the clientId, and the communication types written.',
      block: {
        site: a.connectwiseSite,
        company: a.connectwiseCompany,
        publicKey: a.connectwisePublicKey,
        privateKey: seal(a.connectwisePrivateKey),
        clientId: a.connectwiseClientId,
        ...(codebase === undefined ? {} : { codebase }),
        ...(baseUrl ? { baseUrl } : {}),
        emailType: 'Email',
        phoneType: 'Direct',
        mobileType: 'Cell',
      },
    };
  },
  summary: (a, mask) =>
    `ConnectWise ${a.connectwiseCompany}+${a.connectwisePublicKey} / ${mask(a.connectwisePrivateKey)}`,
  secret: {
    field: 'privateKey',
    what: "the ConnectWise API member's private key",
    question: privateKey,
    live: (block, value) => signIn({ ...(block as Record<string, unknown>), privateKey: value }),
  },
  doctorHelp: "check the ConnectWise API member, the communication types it writes and each company's sites",
  doctor: connectwiseDoctor,
};
