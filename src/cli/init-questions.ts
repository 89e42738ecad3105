import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * What `init` and `config set-secret` ask, each with the environment variable that answers it without a prompt and
 * the check of the answer's form (the problem in words, or null).
 */
export interface Question {
  readonly env: string;
  readonly question: string;
  readonly secret?: boolean;
  readonly fallback?: string;
  /** an empty answer is allowed (the question does not apply) */
  readonly optional?: boolean;
  readonly check: (answer: string) => string | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

const typeId = (answer: string) =>
  /^\d+$/.test(answer) && Number(answer) > 0 ? null : 'a type id is a whole number such as 3, not its name';

const oneOf = (values: readonly string[]) => (answer: string) =>
  values.includes(answer.toLowerCase()) ? null : `answer ${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;

export const QUESTIONS = {
  partnerTenantId: {
    env: 'CONTACTSYNC_PARTNER_TENANT_ID',
    question: 'Your partner (MSP) tenant id, for GDAP customer discovery (empty to list tenants by hand)',
    optional: true,
    check: (a: string) =>
      GUID.test(a) || DOMAIN.test(a)
        ? null
        : "a tenant id is a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (Entra admin center, Overview), or the tenant's domain",
  },
  clientId: {
    env: 'CONTACTSYNC_MS_CLIENT_ID',
    question: 'Microsoft app (client) id',
    check: (a: string) =>
      GUID.test(a) ? null : "the application (client) id is a GUID: copy it from the app registration's Overview",
  },
  clientSecret: {
    env: 'CONTACTSYNC_MS_CLIENT_SECRET',
    question: 'Microsoft app client secret (typing is hidden; empty to use a certificate instead)',
    secret: true,
    optional: true,
    check: (a: string) =>
      GUID.test(a)
        ? "this is the secret's ID; paste its Value (shown once, when the secret is made)"
        : a.length < 16
          ? 'a client secret is about 40 characters: paste the whole Value'
          : null,
  },
  certificatePath: {
    env: 'CONTACTSYNC_MS_CERTIFICATE_KEY',
    question: "Path of the certificate's private key (PEM)",
    check: (a: string) => {
      let text: string;
      try {
        text = readFileSync(resolve(a), 'utf8');
      } catch {
        return `${a} cannot be read: give the path of the PEM file`;
      }
      try {
        createPrivateKey(text);
        return null;
      } catch {
        return `${a} holds no private key in PEM form (-----BEGIN PRIVATE KEY-----)`;
      }
    },
  },
  certificateThumbprint: {
    env: 'CONTACTSYNC_MS_CERTIFICATE_THUMBPRINT',
    question: 'SHA-256 thumbprint of that certificate',
    check: (a: string) =>
      /^[0-9a-f]{64}$/i.test(a.replace(/[\s:]/g, ''))
        ? null
        : 'a SHA-256 thumbprint is 64 hexadecimal digits (openssl x509 -noout -fingerprint -sha256)',
  },
  itglueRegion: {
    env: 'CONTACTSYNC_ITGLUE_REGION',
    question: 'IT Glue region (us, eu or au)',
    fallback: 'us',
    check: oneOf(['us', 'eu', 'au']),
  },
  itglueApiKey: {
    env: 'CONTACTSYNC_ITGLUE_API_KEY',
    question: 'IT Glue API key (typing is hidden)',
    secret: true,
    check: (a: string) =>
      /^ITG\.\S{8,}$/.test(a) ? null : 'an IT Glue API key starts with "ITG." (Account, Settings, API Keys)',
  },
  bmsRegion: {
    env: 'CONTACTSYNC_BMS_REGION',
    question: 'Kaseya BMS region (us, emea or apac)',
    fallback: 'us',
    check: oneOf(['us', 'emea', 'apac']),
  },
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
  bmsPassword: {
    env: 'CONTACTSYNC_BMS_PASSWORD',
    question: 'Kaseya BMS password (typing is hidden)',
    secret: true,
    check: (a: string) => (a === '' ? 'give the password' : null),
  },
  bmsEmailType: {
    env: 'CONTACTSYNC_BMS_EMAIL_TYPE_ID',
    question: 'Kaseya BMS email type id (a number)',
    check: typeId,
  },
  bmsPhoneType: {
    env: 'CONTACTSYNC_BMS_PHONE_TYPE_ID',
    question: 'Kaseya BMS phone type id (a number)',
    check: typeId,
  },
} as const satisfies Record<string, Question>;

export type QuestionKey = keyof typeof QUESTIONS;
