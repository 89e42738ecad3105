import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeConfigFile } from '../../config/config-file-write.ts';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { keyFileOf } from '../../config/config-file.ts';
import { encryptSecret, loadSecretKey, maskSecret } from '../../config/secrets.ts';
import { openDatabase } from '../../store/connect.ts';
import { migrateToLatest } from '../../store/migrations.ts';
import { DEFAULT_SETTINGS } from '../../domain/settings.ts';
import { foldName } from '../../normalize/name.ts';
import {
  checkBms,
  checkItGlue,
  checkMicrosoft,
  readBmsTypes,
  serviceUrlsFromEnv,
  type CheckResult,
  type ServiceUrls,
} from '../credential-checks.ts';
import { QUESTIONS, type Question, type QuestionKey } from '../init-questions.ts';
import { Prompter } from '../prompt.ts';
import { writeOut } from '../terminal-text.ts';

type Answers = Partial<Record<QuestionKey, string>>;

/**
 * The answers of `init`: typed at the terminal (secrets hidden, each checked as it is given and asked again until
 * it passes), or read from the environment, where every problem is collected and reported at once.
 */
class Asker {
  readonly answers: Answers = {};
  readonly problems: string[] = [];
  private readonly fromEnv = new Set<QuestionKey>();

  constructor(
    readonly prompter: Prompter | null,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Whether the environment answers this question. */
  given(key: QuestionKey): boolean {
    return (this.env[QUESTIONS[key].env] ?? '') !== '';
  }

  /** Whether a person can be asked again for this answer (it was typed, not given by the environment). */
  typed(key: QuestionKey): boolean {
    return this.prompter !== null && !this.fromEnv.has(key);
  }

  /** `extra` checks the answer further, against what a service said (a type id BMS has). */
  async get(key: QuestionKey, again = false, extra?: (answer: string) => string | null): Promise<string | undefined> {
    const q: Question = QUESTIONS[key];
    const check = (answer: string) => q.check(answer) ?? extra?.(answer) ?? null;
    const given = this.env[q.env];
    if (!again && given !== undefined && given !== '') {
      const problem = check(given.trim());
      if (problem === null) {
        this.fromEnv.add(key);
        return this.keep(key, given.trim());
      }
      if (this.prompter === null) {
        this.problems.push(`${q.env}: ${problem}`);
        return undefined;
      }
      this.prompter.say(`${q.env} is set, but ${problem}; asking instead.`);
    }
    if (this.prompter === null) {
      if (q.fallback !== undefined) return this.keep(key, q.fallback);
      if (q.optional !== true) this.problems.push(`${q.question.replace(/ \(.*\)$/, '')} (${q.env})`);
      return undefined;
    }
    // Asked again after a failed check, a plain answer is offered back (Enter keeps it); a secret never is.
    const fallback = again && q.secret !== true ? this.answers[key] : q.fallback;
    const answer = await this.prompter.askUntil(
      q.question,
      (a) => (a === '' && q.optional === true ? null : check(a)),
      { ...(q.secret === true ? { secret: true } : {}), ...(fallback === undefined ? {} : { fallback }) },
    );
    return answer === '' ? undefined : this.keep(key, answer);
  }

  private keep(key: QuestionKey, value: string): string {
    const normal = key.endsWith('Region')
      ? value.toLowerCase()
      : key === 'certificateThumbprint'
        ? value.replace(/[\s:]/g, '')
        : value;
    this.answers[key] = normal;
    return normal;
  }

  say(text: string): void {
    if (this.prompter !== null) this.prompter.say(text);
  }

  /** A live check that failed: asked again when the person typed the answers, else reported. */
  failed(message: string, keys: readonly QuestionKey[]): boolean {
    this.say(`  ✗ ${message}`);
    if (keys.every((k) => this.typed(k))) return true;
    this.problems.push(message);
    return false;
  }
}

/**
 * Runs a live check until it passes: when it fails, the questions `retry` names are asked again (the last of them
 * must have been typed; an answer from the environment is reported instead). `attempt` returns null when there is
 * nothing to check.
 */
async function untilAccepted(
  asker: Asker,
  attempt: () => Promise<CheckResult | null>,
  retry: (result: CheckResult) => readonly QuestionKey[],
): Promise<void> {
  for (;;) {
    const result = await attempt();
    if (result === null) return;
    if (result.ok) {
      asker.say(`  ✓ ${result.message}`);
      return;
    }
    const keys = retry(result);
    if (!asker.failed(result.message, keys.slice(-1))) return;
    for (const key of keys) await asker.get(key, true);
  }
}

async function gather(asker: Asker, check: boolean, urls: ServiceUrls): Promise<void> {
  const a = asker.answers;
  await asker.get('partnerTenantId');
  await asker.get('clientId');
  // Only the questions that apply: a certificate is asked for only when no secret was given.
  if ((await asker.get('clientSecret')) === undefined) {
    if (asker.prompter === null && !asker.given('certificatePath') && !asker.given('certificateThumbprint'))
      asker.problems.push(
        'a client secret (CONTACTSYNC_MS_CLIENT_SECRET), or a certificate key and thumbprint (CONTACTSYNC_MS_CERTIFICATE_KEY, CONTACTSYNC_MS_CERTIFICATE_THUMBPRINT)',
      );
    else {
      await asker.get('certificatePath');
      await asker.get('certificateThumbprint');
    }
  }
  if (check && a.partnerTenantId === undefined)
    asker.say('  (The Microsoft app is checked by contactsync doctor, once tenants are listed.)');
  if (check)
    await untilAccepted(
      asker,
      async () => {
        if (a.partnerTenantId === undefined || a.clientId === undefined) return null;
        const certificate =
          a.clientSecret === undefined && a.certificatePath !== undefined && a.certificateThumbprint !== undefined
            ? {
                thumbprintSha256: a.certificateThumbprint,
                privateKey: readFileSync(resolve(a.certificatePath), 'utf8'),
              }
            : undefined;
        if (a.clientSecret === undefined && certificate === undefined) return null;
        return checkMicrosoft(
          a.partnerTenantId,
          {
            clientId: a.clientId,
            ...(a.clientSecret === undefined ? {} : { clientSecret: a.clientSecret }),
            ...(certificate === undefined ? {} : { certificate }),
          },
          urls,
        );
      },
      (result) =>
        /AADSTS700016/.test(result.message)
          ? ['clientId']
          : a.clientSecret !== undefined
            ? ['clientSecret']
            : ['certificateThumbprint'],
    );
  await asker.get('itglueRegion');
  await asker.get('itglueApiKey');
  if (check)
    await untilAccepted(
      asker,
      async () =>
        a.itglueApiKey === undefined
          ? null
          : checkItGlue(a.itglueApiKey, (a.itglueRegion ?? 'us') as 'us' | 'eu' | 'au', urls),
      () => ['itglueRegion', 'itglueApiKey'],
    );
  await asker.get('bmsRegion');
  await asker.get('bmsTenant');
  await asker.get('bmsUserName');
  await asker.get('bmsPassword');
  if (check)
    await untilAccepted(
      asker,
      async () =>
        a.bmsTenant === undefined || a.bmsUserName === undefined || a.bmsPassword === undefined
          ? null
          : checkBms(
              { userName: a.bmsUserName, password: a.bmsPassword, tenant: a.bmsTenant },
              (a.bmsRegion ?? 'us') as 'us' | 'emea' | 'apac',
              urls,
            ),
      () => ['bmsTenant', 'bmsUserName', 'bmsPassword'],
    );
  if (check) await bmsTypes(asker, urls);
  else for (const key of ['bmsEmailType', 'bmsPhoneType'] as const) if (asker.given(key)) await asker.get(key);
}

/**
 * The BMS email and phone types the settings name (`Work`, `Office` by default) must exist in BMS, or every contact
 * written there fails: read at once. When BMS does not list them, or lacks the one named, the type's id is asked for
 * and written into the settings.
 */
async function bmsTypes(asker: Asker, urls: ServiceUrls): Promise<void> {
  const a = asker.answers;
  if (a.bmsTenant === undefined || a.bmsUserName === undefined || a.bmsPassword === undefined) return;
  let lists: Awaited<ReturnType<typeof readBmsTypes>>;
  try {
    lists = await readBmsTypes(
      { userName: a.bmsUserName, password: a.bmsPassword, tenant: a.bmsTenant },
      (a.bmsRegion ?? 'us') as 'us' | 'emea' | 'apac',
      urls,
    );
  } catch {
    // Not signed in, or BMS out of reach: said by the sign-in check above; contactsync doctor checks the types later.
    return;
  }
  for (const kind of ['email', 'phone'] as const) {
    const key = kind === 'email' ? 'bmsEmailType' : 'bmsPhoneType';
    const wanted = String(DEFAULT_SETTINGS.psa[kind === 'email' ? 'emailType' : 'phoneType']);
    const list = lists[kind];
    let why: string;
    let known: ((answer: string) => string | null) | undefined;
    if ('types' in list) {
      const named = list.types.find((t) => foldName(t.name) === foldName(wanted));
      const listing = list.types.map((t) => `"${t.name}" (id ${t.id})`).join(', ') || 'none';
      known = (answer) =>
        list.types.some((t) => t.id === Number(answer)) ? null : `BMS has no ${kind} type ${answer}: ${listing}`;
      if (named !== undefined && !asker.given(key)) {
        asker.say(`  ✓ Kaseya BMS has the ${kind} type "${named.name}" (id ${named.id}) the settings name.`);
        continue;
      }
      why = `Kaseya BMS has no ${kind} type "${wanted}", the one the settings name: its ${kind} types are ${listing}.`;
    } else why = list.unreadable;
    if (asker.given(key)) {
      await asker.get(key, false, known);
      continue;
    }
    if (asker.prompter === null) {
      asker.problems.push(`${why} Set ${QUESTIONS[key].env} to the id.`);
      continue;
    }
    asker.say(`  ✗ ${why}`);
    await asker.get(key, false, known);
  }
}

const json = (value: unknown): string => JSON.stringify(value);

function configText(a: Answers, key: Buffer): string {
  const enc = (value: string | undefined) => (value === undefined ? undefined : encryptSecret(value, key));
  const types = {
    ...(a.bmsEmailType === undefined ? {} : { emailType: Number(a.bmsEmailType) }),
    ...(a.bmsPhoneType === undefined ? {} : { phoneType: Number(a.bmsPhoneType) }),
  };
  const psa = Object.keys(types).length === 0 ? null : types;
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
    ...(psa === null
      ? []
      : ['  // The BMS email and phone types by id: init found that BMS cannot give them by name.']),
    `  "settings": ${json(psa === null ? {} : { psa })}`,
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
    .option('--no-check', 'do not sign in to Microsoft, IT Glue and BMS to check the answers (an offline install)')
    .action(async (options: { force?: boolean; check: boolean }, command: Command) => {
      const path = resolve(configOf(command));
      if (existsSync(path) && options.force !== true)
        throw new Error(`${path} exists already: use --force to replace it.`);
      const prompter = process.stdin.isTTY === true ? new Prompter() : null;
      const asker = new Asker(prompter, process.env);
      try {
        await gather(asker, options.check, serviceUrlsFromEnv());
      } finally {
        prompter?.close();
      }
      const answers = asker.answers;
      if (asker.problems.length > 0)
        throw new Error(
          `Cannot write the config; missing or wrong:\n${asker.problems.map((p) => `  - ${p}`).join('\n')}\nSet the environment variables named, or run contactsync init at a terminal to be asked.`,
        );
      const key = loadSecretKey(keyFileOf(path), { create: true });
      mkdirSync(dirname(path), { recursive: true });
      writeConfigFile(path, configText(answers, key));
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
