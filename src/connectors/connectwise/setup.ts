import { isConnectorError } from '../http/connector-error.ts';
import { notReached, QUICK_CHECK, type CheckResult, type SetupAnswers, type TargetSetup } from '../target-setup.ts';
import { chosenTypeNames, DEFAULT_TYPE_NAMES, namesOfKind, type TypeNames } from './communication-types.ts';
import type { ConnectwisePsa } from './connectwise-psa.ts';
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
/** The communication type names `init` writes for each company signed in (names its database has), and why. */
const typesChosen = new Map<string, { readonly names: TypeNames; readonly said: string }>();

/**
 * The communication types `init` writes, read from the database when it signs in: the defaults where it has them,
 * else names it has; what was chosen, and how to change it, in words. A database without an email type is said
 * plainly (the defaults are written; doctor reports it).
 */
async function chooseTypes(connectwise: ConnectwisePsa, company: string): Promise<void> {
  let all;
  try {
    all = (await connectwise.types()).all;
  } catch (error) {
    const said = `Its communication types could not be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): the config names "Email", "Direct" and "Cell"; contactsync doctor checks them`;
    typesChosen.set(company.toLowerCase(), { names: DEFAULT_TYPE_NAMES, said });
    return;
  }
  const chosen = chosenTypeNames(all);
  const names: TypeNames = {
    emailType: chosen.emailType ?? DEFAULT_TYPE_NAMES.emailType,
    phoneType: chosen.phoneType ?? DEFAULT_TYPE_NAMES.phoneType,
    mobileType: chosen.mobileType ?? DEFAULT_TYPE_NAMES.mobileType,
  };
  const lines = [
    `Communication types written: email ${JSON.stringify(names.emailType)}, office phone ${JSON.stringify(names.phoneType)}, mobile phone ${JSON.stringify(names.mobileType)} (this ConnectWise's email types: ${namesOfKind(all, true)}; its phone types: ${namesOfKind(all, false)}); change connectwise.emailType, phoneType or mobileType in the config to write others`,
  ];
  if (chosen.emailType === null)
    lines.push(
      'Warning: this ConnectWise has no email communication type: new contacts are held until one is added (System > Setup Tables > Communication Types) and named in connectwise.emailType; contactsync doctor reports it',
    );
  if (chosen.phoneType === null)
    lines.push(
      'Warning: this ConnectWise has no phone communication type: new contacts are held until one is added and named in connectwise.phoneType and mobileType; contactsync doctor reports it',
    );
  typesChosen.set(company.toLowerCase(), { names, said: lines.join('.\n') });
}

async function signIn(block: Record<string, unknown>, readTypes = false): Promise<CheckResult> {
  const company = String(block.company);
  const connectwise = connectConnectwise(block, QUICK_CHECK);
  try {
    const base = await connectwise.apiBase();
    const codebase = /\/([^/]+\/)apis\/3\.0\/$/.exec(base)?.[1];
    if (codebase !== undefined) codebases.set(company.toLowerCase(), codebase);
    const version = await connectwise.version();
    if (readTypes) await chooseTypes(connectwise, company);
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
    return block === null ? null : signIn(block, true);
  },
  retry: ['connectwiseCompany', 'connectwisePublicKey', 'connectwisePrivateKey', 'connectwiseClientId'],
  configBlock: (a, seal, baseUrl) => {
    const company = a.connectwiseCompany?.toLowerCase();
    const codebase = company === undefined ? undefined : codebases.get(company);
    const types = (company === undefined ? undefined : typesChosen.get(company)?.names) ?? DEFAULT_TYPE_NAMES;
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
        ...types,
      },
    };
  },
  // What init chose of the communication types, on lines of their own (init ends the summary with a period).
  summary: (a, mask) => {
    const types = a.connectwiseCompany === undefined ? undefined : typesChosen.get(a.connectwiseCompany.toLowerCase());
    return `ConnectWise ${a.connectwiseCompany}+${a.connectwisePublicKey} / ${mask(a.connectwisePrivateKey)}${types === undefined ? '' : `.\n${types.said}`}`;
  },
  secret: {
    field: 'privateKey',
    what: "the ConnectWise API member's private key",
    question: privateKey,
    live: (block, value) => signIn({ ...(block as Record<string, unknown>), privateKey: value }),
  },
  doctorHelp: "check the ConnectWise API member, the communication types it writes and each company's sites",
  doctor: connectwiseDoctor,
};
