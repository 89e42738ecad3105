import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SetupQuestion } from '../connectors/target-setup.ts';

/**
 * What `init` and `config set-secret` ask of Microsoft, each with the environment variable that answers it without a
 * prompt and the check of the answer's form; each target's own questions come with its setup.
 */
export type Question = SetupQuestion;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

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
    keep: (a: string) => a.replace(/[\s:]/g, ''),
  },
} as const satisfies Record<string, Question>;

export type QuestionKey = keyof typeof QUESTIONS;
