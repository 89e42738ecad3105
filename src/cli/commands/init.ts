import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { keyFileOf } from '../../config/config-file.ts';
import { encryptSecret, loadSecretKey, maskSecret } from '../../config/secrets.ts';
import { openDatabase } from '../../store/connect.ts';
import { migrateToLatest } from '../../store/migrations.ts';
import { writeOut } from '../terminal-text.ts';

/** The questions of `init`, each with the environment variable that answers it without a prompt. */
const QUESTIONS = [
  {
    key: 'partnerTenantId',
    env: 'CONTACTSYNC_PARTNER_TENANT_ID',
    question: 'Your partner (MSP) tenant id, for GDAP customer discovery (empty to list tenants by hand)',
    optional: true,
  },
  { key: 'clientId', env: 'CONTACTSYNC_MS_CLIENT_ID', question: 'Microsoft app (client) id' },
  {
    key: 'clientSecret',
    env: 'CONTACTSYNC_MS_CLIENT_SECRET',
    question: 'Microsoft app client secret (empty to use a certificate)',
    optional: true,
    secret: true,
  },
  {
    key: 'certificatePath',
    env: 'CONTACTSYNC_MS_CERTIFICATE_KEY',
    question: 'Path of the certificate private key (PEM), when there is no secret',
    optional: true,
  },
  {
    key: 'certificateThumbprint',
    env: 'CONTACTSYNC_MS_CERTIFICATE_THUMBPRINT',
    question: 'SHA-256 thumbprint of that certificate',
    optional: true,
  },
  { key: 'itglueApiKey', env: 'CONTACTSYNC_ITGLUE_API_KEY', question: 'IT Glue API key', secret: true },
  { key: 'itglueRegion', env: 'CONTACTSYNC_ITGLUE_REGION', question: 'IT Glue region (us, eu or au)', fallback: 'us' },
  { key: 'bmsUserName', env: 'CONTACTSYNC_BMS_USER', question: 'Kaseya BMS API user name' },
  { key: 'bmsPassword', env: 'CONTACTSYNC_BMS_PASSWORD', question: 'Kaseya BMS password', secret: true },
  { key: 'bmsTenant', env: 'CONTACTSYNC_BMS_TENANT', question: 'Kaseya BMS tenant (the company name at login)' },
  { key: 'bmsRegion', env: 'CONTACTSYNC_BMS_REGION', question: 'Kaseya BMS region (us, emea or apac)', fallback: 'us' },
] as const;

type Answers = Partial<Record<(typeof QUESTIONS)[number]['key'], string>>;

async function ask(): Promise<Answers> {
  const answers: Answers = {};
  const interactive = process.stdin.isTTY === true;
  const prompt = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : null;
  try {
    for (const q of QUESTIONS) {
      let value = process.env[q.env];
      if ((value === undefined || value === '') && prompt !== null)
        value = (await prompt.question(`${q.question}${'fallback' in q ? ` [${q.fallback}]` : ''}: `)).trim();
      if ((value === undefined || value === '') && 'fallback' in q) value = q.fallback;
      if (value !== undefined && value !== '') answers[q.key] = value;
    }
  } finally {
    prompt?.close();
  }
  return answers;
}

function problemsOf(a: Answers): string[] {
  const problems: string[] = [];
  if (a.clientId === undefined) problems.push('the Microsoft app id (CONTACTSYNC_MS_CLIENT_ID)');
  if (a.clientSecret === undefined && (a.certificatePath === undefined || a.certificateThumbprint === undefined))
    problems.push('a client secret (CONTACTSYNC_MS_CLIENT_SECRET), or a certificate key and thumbprint');
  if (a.itglueApiKey === undefined) problems.push('the IT Glue API key (CONTACTSYNC_ITGLUE_API_KEY)');
  if (a.itglueRegion !== undefined && !['us', 'eu', 'au'].includes(a.itglueRegion))
    problems.push(`an IT Glue region of us, eu or au (not "${a.itglueRegion}")`);
  if (a.bmsUserName === undefined || a.bmsPassword === undefined || a.bmsTenant === undefined)
    problems.push(
      'the BMS user name, password and tenant (CONTACTSYNC_BMS_USER, CONTACTSYNC_BMS_PASSWORD, CONTACTSYNC_BMS_TENANT)',
    );
  if (a.bmsRegion !== undefined && !['us', 'emea', 'apac'].includes(a.bmsRegion))
    problems.push(`a BMS region of us, emea or apac (not "${a.bmsRegion}")`);
  return problems;
}

const json = (value: unknown): string => JSON.stringify(value);

function configText(a: Answers, key: Buffer): string {
  const enc = (value: string | undefined) => (value === undefined ? undefined : encryptSecret(value, key));
  const urls = {
    loginUrl: process.env.CONTACTSYNC_MS_LOGIN_URL,
    graphUrl: process.env.CONTACTSYNC_GRAPH_URL,
    itglue: process.env.CONTACTSYNC_ITGLUE_URL,
    bms: process.env.CONTACTSYNC_BMS_URL,
  };
  const microsoft = {
    partnerTenantId: a.partnerTenantId ?? null,
    clientId: a.clientId,
    ...(a.clientSecret === undefined ? {} : { clientSecret: enc(a.clientSecret) }),
    ...(a.certificatePath === undefined
      ? {}
      : { certificate: { thumbprintSha256: a.certificateThumbprint, privateKeyPath: a.certificatePath } }),
    ...(urls.loginUrl ? { loginUrl: urls.loginUrl } : {}),
    ...(urls.graphUrl ? { graphUrl: urls.graphUrl } : {}),
  };
  return [
    '// contactsync configuration. Lines starting with // are comments.',
    '// Secrets are encrypted (enc:v1:…) with the key in .contactsync-secret.key beside this file, or CONTACTSYNC_SECRET_KEY.',
    '// Environment variables override them: CONTACTSYNC_MS_CLIENT_SECRET, CONTACTSYNC_ITGLUE_API_KEY, CONTACTSYNC_BMS_PASSWORD.',
    '{',
    '  // The state database (SQLite). DATABASE_URL=postgres://… uses PostgreSQL instead.',
    `  "database": ${json({ sqlitePath: './data/contactsync.db' })},`,
    '  // The Microsoft app registration: application permissions User.Read.All and Organization.Read.All, with admin consent in each customer;',
    '  // DelegatedAdminRelationship.Read.All, consented in the partner tenant, to list the GDAP customers.',
    `  "microsoft": ${json(microsoft)},`,
    '  // IT Glue: region us, eu or au.',
    `  "itglue": ${json({ region: a.itglueRegion ?? 'us', apiKey: enc(a.itglueApiKey), ...(urls.itglue ? { baseUrl: urls.itglue } : {}) })},`,
    '  // Kaseya BMS: an API employee with API access; region us, emea or apac.',
    `  "bms": ${json({ region: a.bmsRegion ?? 'us', userName: a.bmsUserName, password: enc(a.bmsPassword), tenant: a.bmsTenant, ...(urls.bms ? { baseUrl: urls.bms } : {}) })},`,
    '  // Customer tenants [{ "id", "displayName" }]; empty: the GDAP customers of the partner tenant (contactsync tenants discover).',
    '  "tenants": [],',
    '  // Global sync settings (see the README); per-tenant ones: contactsync tenants settings.',
    '  "settings": {}',
    '}',
    '',
  ].join('\n');
}

export function registerInit(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('init')
    .description(
      'Write a commented config file (secrets encrypted) and create the database. Answers come from prompts, or from the environment variables CONTACTSYNC_MS_CLIENT_ID, CONTACTSYNC_MS_CLIENT_SECRET, CONTACTSYNC_ITGLUE_API_KEY, CONTACTSYNC_BMS_USER, CONTACTSYNC_BMS_PASSWORD, CONTACTSYNC_BMS_TENANT and the others listed in the README.',
    )
    .option('--force', 'replace an existing config file')
    .action(async (options: { force?: boolean }, command: Command) => {
      const path = resolve(configOf(command));
      if (existsSync(path) && options.force !== true)
        throw new Error(`${path} exists already: use --force to replace it.`);
      const answers = await ask();
      const problems = problemsOf(answers);
      if (problems.length > 0)
        throw new Error(`Cannot write the config; missing or wrong:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      const key = loadSecretKey(keyFileOf(path), { create: true });
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, configText(answers, key), { mode: 0o600 });
      const database = openDatabase({
        databaseUrl: process.env.DATABASE_URL,
        sqlitePath: resolve(dirname(path), 'data', 'contactsync.db'),
      });
      await migrateToLatest(database.db as Kysely<unknown>);
      await database.db.destroy();
      writeOut(
        [
          `Wrote ${path} (secrets encrypted with ${keyFileOf(path)}, mode 0600).`,
          `Database ready: ${database.location}`,
          `Microsoft app ${answers.clientId}, secret ${maskSecret(answers.clientSecret)}; IT Glue key ${maskSecret(answers.itglueApiKey)} (${answers.itglueRegion ?? 'us'}); BMS ${answers.bmsUserName} / ${maskSecret(answers.bmsPassword)} (${answers.bmsTenant}).`,
          'Next: contactsync doctor, then contactsync tenants discover.',
          '',
        ].join('\n'),
      );
    });
}
