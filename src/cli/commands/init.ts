import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeConfigFile } from '../../config/config-file-write.ts';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { keyFileOf } from '../../config/config-file.ts';
import { encryptSecret, loadSecretKey, maskSecret } from '../../config/secrets.ts';
import { openDatabase } from '../../store/connect.ts';
import { migrateToLatest } from '../../store/migrations.ts';
import { setupOf } from '../../connectors/target-setups.ts';
import type { CheckResult, SetupAsker, TargetSetup } from '../../connectors/target-setup.ts';
import { presentTargets, type TargetProfile, type Targets } from '../../domain/target-profile.ts';
import { checkMicrosoft } from '../credential-checks.ts';
import { QUESTIONS, type Question } from '../init-questions.ts';
import { DEFAULT_TARGET_IDS, perTargetHelp, roleTargetNames, targetsNamed } from '../known-targets.ts';
import { Prompter } from '../prompt.ts';
import { writeOut } from '../terminal-text.ts';

type Answers = Record<string, string | undefined>;

/** The targets `init` sets up, each with its setup and the other address of its API the environment names. */
interface SetUp {
  readonly profile: TargetProfile;
  readonly setup: TargetSetup;
  readonly baseUrl: string | undefined;
}

function setUpOf(targets: Targets, env: NodeJS.ProcessEnv): SetUp[] {
  return presentTargets(targets).map((profile) => {
    const setup = setupOf(profile);
    return { profile, setup, baseUrl: env[setup.urlEnv] || undefined };
  });
}

/**
 * The answers of `init`: typed at the terminal (secrets hidden, each checked as it is given and asked again until
 * it passes), or read from the environment, where every problem is collected and reported at once.
 */
class Asker implements SetupAsker {
  readonly answers: Answers = {};
  readonly problems: string[] = [];
  private readonly fromEnv = new Set<string>();

  constructor(
    readonly prompter: Prompter | null,
    private readonly env: NodeJS.ProcessEnv,
    private readonly questions: Readonly<Record<string, Question>>,
  ) {}

  get interactive(): boolean {
    return this.prompter !== null;
  }

  private question(key: string): Question {
    const q = this.questions[key];
    if (q === undefined) throw new Error(`init has no question ${key}`);
    return q;
  }

  /** Whether the environment answers this question. */
  given(key: string): boolean {
    return (this.env[this.question(key).env] ?? '') !== '';
  }

  /** Whether a person can be asked again for this answer (it was typed, not given by the environment). */
  typed(key: string): boolean {
    return this.prompter !== null && !this.fromEnv.has(key);
  }

  ask(key: string, extra?: (answer: string) => string | null): Promise<string | undefined> {
    return this.get(key, false, extra);
  }

  /** `extra` checks the answer further, against what a service said (an id the target has). */
  async get(key: string, again = false, extra?: (answer: string) => string | null): Promise<string | undefined> {
    const q = this.question(key);
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

  private keep(key: string, value: string): string {
    const normal = this.question(key).keep?.(value) ?? value;
    this.answers[key] = normal;
    return normal;
  }

  say(text: string): void {
    if (this.prompter !== null) this.prompter.say(text);
  }

  problem(text: string): void {
    this.problems.push(text);
  }

  /** A live check that failed: asked again when the person typed the answers, else reported. */
  failed(message: string, keys: readonly string[]): boolean {
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
  retry: (result: CheckResult) => readonly string[],
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

async function gather(asker: Asker, check: boolean, targets: readonly SetUp[]): Promise<void> {
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
          process.env.CONTACTSYNC_MS_LOGIN_URL || undefined,
        );
      },
      (result) =>
        /AADSTS700016/.test(result.message)
          ? ['clientId']
          : a.clientSecret !== undefined
            ? ['clientSecret']
            : ['certificateThumbprint'],
    );
  for (const { setup, baseUrl } of targets) {
    const later = setup.afterSignIn?.keys ?? [];
    for (const key of Object.keys(setup.questions)) if (!later.includes(key)) await asker.get(key);
    if (check)
      await untilAccepted(
        asker,
        () => setup.signIn(a, baseUrl),
        () => setup.retry,
      );
    if (setup.afterSignIn === undefined) continue;
    if (check) await setup.afterSignIn.ask(asker, baseUrl);
    else for (const key of later) if (asker.given(key)) await asker.get(key);
  }
}

const json = (value: unknown): string => JSON.stringify(value);

function configText(a: Answers, key: Buffer, targets: readonly SetUp[]): string {
  const enc = (value: string | undefined) => (value === undefined ? undefined : encryptSecret(value, key));
  const settings = targets.flatMap(({ setup }) => setup.configSettings?.(a) ?? []);
  const urls = {
    loginUrl: process.env.CONTACTSYNC_MS_LOGIN_URL,
    graphUrl: process.env.CONTACTSYNC_GRAPH_URL,
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
  const overriding = ['CONTACTSYNC_MS_CLIENT_SECRET', ...targets.map(({ profile }) => profile.secretEnv)];
  return [
    '// contactsync configuration. Lines starting with // are comments.',
    '// Secrets are encrypted (enc:v1:…) with the key in .contactsync-secret.key beside this file, or CONTACTSYNC_SECRET_KEY.',
    `// Environment variables override them: ${overriding.join(', ')}.`,
    '{',
    '  // The state database (SQLite). DATABASE_URL=postgres://… uses PostgreSQL instead.',
    `  "database": ${json({ sqlitePath: './data/contactsync.db' })},`,
    '  // The Microsoft app registration: application permissions User.Read.All and Organization.Read.All, with admin consent in each customer;',
    '  // DelegatedAdminRelationship.Read.All, consented in the partner tenant, to list the GDAP customers.',
    `  "microsoft": ${json(microsoft)},`,
    ...targets.flatMap(({ profile, setup, baseUrl }) => {
      const { comment, block } = setup.configBlock(a, enc, baseUrl);
      return [`  // ${comment}`, `  ${json(profile.id)}: ${json(block)},`];
    }),
    '  // Customer tenants [{ "id", "displayName" }]; empty: the GDAP customers of the partner tenant (contactsync tenants discover).',
    '  "tenants": [],',
    '  // Global sync settings (see the README); per-tenant ones: contactsync tenants settings.',
    ...settings.map((s) => `  // ${s.comment}`),
    `  "settings": ${json(Object.assign({}, ...settings.map((s) => s.settings)))}`,
    '}',
    '',
  ].join('\n');
}

export function registerInit(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('init')
    .description(
      "Write a commented config file (secrets encrypted) and create the database. Answers come from prompts, or from the environment variables CONTACTSYNC_MS_CLIENT_ID, CONTACTSYNC_MS_CLIENT_SECRET, each target's (below) and the others listed in the README.",
    )
    .addHelpText(
      'after',
      perTargetHelp('The environment variables of each target:', (t) => setupOf(t).helpEnv.join(', ')),
    )
    .option('--force', 'replace an existing config file')
    .option('--no-check', 'do not sign in to Microsoft and the targets to check the answers (an offline install)')
    .option(
      '--targets <ids>',
      `the targets to set up, by id, comma-separated: one documentation platform (${roleTargetNames('documentation', (t) => t.id)}), one PSA (${roleTargetNames('psa', (t) => t.id)}), or one of each`,
      DEFAULT_TARGET_IDS,
    )
    .action(async (options: { force?: boolean; check: boolean; targets: string }, command: Command) => {
      const path = resolve(configOf(command));
      if (existsSync(path) && options.force !== true)
        throw new Error(`${path} exists already: use --force to replace it.`);
      const targets = setUpOf(targetsNamed(options.targets), process.env);
      const questions = Object.assign({}, QUESTIONS, ...targets.map(({ setup }) => setup.questions));
      const prompter = process.stdin.isTTY === true ? new Prompter() : null;
      const asker = new Asker(prompter, process.env, questions);
      try {
        await gather(asker, options.check, targets);
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
      writeConfigFile(path, configText(answers, key, targets));
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
          `${[`Microsoft app ${answers.clientId}, secret ${maskSecret(answers.clientSecret)}`, ...targets.map(({ setup }) => setup.summary(answers, maskSecret))].join('; ')}.`,
          'Next: contactsync doctor, then contactsync tenants discover.',
          '',
        ].join('\n'),
      );
    });
}
