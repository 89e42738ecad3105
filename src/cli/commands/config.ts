import { readFileSync } from 'node:fs';
import { writeConfigFile } from '../../config/config-file-write.ts';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { alertChannelSchema } from '../../config/alert-channels.ts';
import { keyFileOf, loadConfig, targetsOfConfig } from '../../config/config-file.ts';
import { setJsonString } from '../../config/json-text.ts';
import { encryptSecret, loadSecretKey } from '../../config/secrets.ts';
import { didYouMean } from '../../domain/did-you-mean.ts';
import { setupOf } from '../../connectors/target-setups.ts';
import type { CheckResult } from '../../connectors/target-setup.ts';
import { presentTargets } from '../../domain/target-profile.ts';
import { checkMicrosoft } from '../credential-checks.ts';
import { QUESTIONS } from '../init-questions.ts';
import { ALL_TARGETS, blockOf } from '../known-targets.ts';
import { Prompter } from '../prompt.ts';
import { writeOut } from '../terminal-text.ts';

const SECRET_VALUE_ENV = 'CONTACTSYNC_SECRET_VALUE';

/** The secrets a config holds: where each lies in the file, how its form is checked and how it is tried live. */
interface SecretSpec {
  readonly path: readonly string[];
  readonly what: string;
  readonly check: (value: string) => string | null;
  readonly override?: string;
  readonly live?: (value: string) => Promise<CheckResult | null>;
}

function specs(configPath: string): Map<string, SecretSpec> {
  const config = loadConfig(configPath, {}, { requireSecrets: false });
  const map = new Map<string, SecretSpec>([
    [
      'microsoft.clientSecret',
      {
        path: ['microsoft', 'clientSecret'],
        what: 'the Microsoft app client secret',
        check: QUESTIONS.clientSecret.check,
        override: QUESTIONS.clientSecret.env,
        live: async (value) =>
          config.microsoft.partnerTenantId
            ? checkMicrosoft(
                config.microsoft.partnerTenantId,
                { clientId: config.microsoft.clientId, clientSecret: value },
                config.microsoft.loginUrl ?? undefined,
              )
            : null,
      },
    ],
  ]);
  for (const target of presentTargets(targetsOfConfig(config))) {
    const { secret } = setupOf(target);
    const block = blockOf(config, target);
    map.set(`${target.id}.${secret.field}`, {
      path: [target.id, secret.field],
      what: secret.what,
      check: secret.question.check,
      override: secret.question.env,
      live: (value) => secret.live(block, value),
    });
  }
  if (config.web.entra)
    map.set('web.entra.clientSecret', {
      path: ['web', 'entra', 'clientSecret'],
      what: 'the client secret of the app people sign in with (Sign in with Microsoft)',
      check: (value) => (value === '' ? 'give the secret value' : null),
    });
  for (const channel of config.alerts?.channels ?? []) {
    if (channel.type === 'email')
      map.set(`alerts.channels.${channel.name}.smtp.password`, {
        path: ['alerts', 'channels', channel.name, 'smtp', 'password'],
        what: `the SMTP password of the alert channel "${channel.name}"`,
        check: (value) => (value === '' ? 'give the password' : null),
      });
    else
      map.set(`alerts.channels.${channel.name}.url`, {
        path: ['alerts', 'channels', channel.name, 'url'],
        what: `the webhook address of the alert channel "${channel.name}"`,
        check: (value) => {
          const parsed = alertChannelSchema.safeParse({ ...channel, url: value });
          return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'not a web address');
        },
      });
  }
  return map;
}

export function registerConfig(cli: Command, configOf: (command: Command) => string): void {
  const config = cli.command('config').description('The config file.');
  config
    .command('set-secret <key>')
    .description(
      `Change one secret of the config file, encrypted: ${['microsoft.clientSecret', ...ALL_TARGETS.map((t) => `${t.id}.${setupOf(t).secret.field}`)].join(', ')}, web.entra.clientSecret, alerts.channels.NAME.url or alerts.channels.NAME.smtp.password. The value is typed hidden at a terminal, or read from ${SECRET_VALUE_ENV}; it is checked (signing in where it can) before it is written.`,
    )
    .option('--no-check', 'do not sign in to check the new value')
    .action(async (key: string, options: { check: boolean }, command: Command) => {
      const path = resolve(configOf(command));
      const known = specs(path);
      const spec = known.get(key);
      if (spec === undefined) {
        const guess = didYouMean(key, [...known.keys()]);
        throw new Error(
          `${key} is not a secret of ${path}${guess === null ? '' : `; did you mean ${guess}?`} The secrets are: ${[...known.keys()].join(', ')}.`,
        );
      }
      const given = process.env[SECRET_VALUE_ENV];
      const prompter = given === undefined && process.stdin.isTTY === true ? new Prompter() : null;
      if (given === undefined && prompter === null)
        throw new Error(`Give the new value at a terminal (it is asked for, hidden), or in ${SECRET_VALUE_ENV}.`);
      let value: string;
      try {
        for (;;) {
          value =
            prompter === null
              ? given!.trim()
              : await prompter.askUntil(`New value of ${spec.what} (typing is hidden)`, spec.check, { secret: true });
          const problem = spec.check(value);
          if (problem !== null) throw new Error(`${SECRET_VALUE_ENV}: ${problem}. Nothing was changed.`);
          const result = options.check && spec.live !== undefined ? await spec.live(value) : null;
          if (result === null || result.ok) {
            if (result !== null) prompter?.say(`  ✓ ${result.message}`);
            break;
          }
          if (prompter === null) throw new Error(`${result.message} Nothing was changed.`);
          prompter.say(`  ✗ ${result.message}`);
        }
      } finally {
        prompter?.close();
      }
      const sealed = encryptSecret(value!, loadSecretKey(keyFileOf(path), { create: true }));
      const text = setJsonString(readFileSync(path, 'utf8'), spec.path, sealed);
      if (text === null) throw new Error(`${path} has no "${spec.path.slice(0, -1).join('.')}" block to hold ${key}.`);
      writeConfigFile(path, text);
      const overridden = spec.override !== undefined && (process.env[spec.override] ?? '') !== '';
      writeOut(
        `Changed ${key} in ${path} (encrypted). Each contactsync process uses it from its next start.${overridden ? ` Note: ${spec.override} is set here, and overrides the file.` : ''}\n`,
      );
    });
}
