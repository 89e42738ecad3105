import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonText } from '../../src/config/json-text.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { cliEntry, runCli } from '../support/cli.ts';
import { smallSeed } from '../support/simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { Terminal } from '../support/terminal.ts';

let sims: RunningSimulators;
const dir = mkdtempSync(join(tmpdir(), 'contactsync-init-'));
const config = join(dir, 'contactsync.json');
const WRONG_SECRET = 'Wr0ng~client-secret-value-0123456789';
const WRONG_KEY = 'ITG.wrong-key-1234567890abcdef';

const env = () => ({
  CONTACTSYNC_MS_LOGIN_URL: sims.urls.login,
  CONTACTSYNC_GRAPH_URL: sims.urls.graph,
  CONTACTSYNC_ITGLUE_URL: sims.urls.itglue!,
  CONTACTSYNC_BMS_URL: sims.urls.bms!,
  CONTACTSYNC_DATA_DIR: join(dir, 'data'),
});

beforeAll(async () => {
  sims = await startSimulators(smallSeed());
  cliEntry();
}, 120_000);
afterAll(async () => {
  await sims?.close();
});

describe('contactsync init at a terminal', () => {
  it('hides secrets as they are typed, checks each answer as it is given, and asks a wrong one again', async () => {
    const secrets = [sims.credentials.graph.clientSecret, sims.credentials.itglueApiKey, sims.credentials.bms.password];
    const term = new Terminal([process.execPath, cliEntry(), '--config', config, 'init'], env(), dir);
    try {
      await term.waitFor('partner (MSP) tenant id');
      term.type('my tenant');
      await term.waitFor('a tenant id is a GUID');
      await term.waitFor('partner (MSP) tenant id');
      term.type(sims.credentials.partnerTenantId);
      await term.waitFor('Microsoft app (client) id: ');
      term.type(sims.credentials.graph.clientId);
      await term.waitFor('client secret (typing is hidden');
      term.type(WRONG_SECRET);
      // Checked with Microsoft at once: refused, and only that question is asked again.
      await term.waitFor('✗ Signing in to tenant');
      const between = await term.waitFor('client secret (typing is hidden');
      expect(between).toMatch(/The client secret is wrong/);
      term.type(sims.credentials.graph.clientSecret);
      await term.waitFor('✓ Microsoft signed the app in');
      await term.waitFor('IT Glue region (us, eu or au) [us]: ');
      term.type('');
      await term.waitFor('IT Glue API key (typing is hidden): ');
      term.type(sims.credentials.itglueApiKey);
      await term.waitFor('✓ IT Glue (us) accepted the key.');
      await term.waitFor('Kaseya BMS region (us, emea or apac) [us]: ');
      term.type('europe');
      await term.waitFor('answer us, emea or apac');
      await term.waitFor('Kaseya BMS region (us, emea or apac) [us]: ');
      term.type('us');
      await term.waitFor('Kaseya BMS tenant (the company name at login): ');
      term.type(sims.credentials.bms.tenant);
      await term.waitFor('Kaseya BMS API user name: ');
      term.type(sims.credentials.bms.userName);
      await term.waitFor('Kaseya BMS password (typing is hidden): ');
      term.type(sims.credentials.bms.password);
      await term.waitFor('✓ Kaseya BMS (us) signed');
      await term.waitFor('Wrote ');
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    // Nothing secret reached the screen, not even the wrong secret; no certificate question after a secret.
    for (const secret of [...secrets, WRONG_SECRET]) expect(term.screen).not.toContain(secret);
    expect(term.screen).not.toMatch(/certificate's private key|thumbprint/i);
    const text = readFileSync(config, 'utf8');
    expect(text.match(/"enc:v1:/g)).toHaveLength(3);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('config set-secret changes one secret, hidden, checked live, and keeps the rest of the file', async () => {
    const before = readFileSync(config, 'utf8');
    const term = new Terminal(
      [process.execPath, cliEntry(), '--config', config, 'config', 'set-secret', 'itglue.apiKey'],
      env(),
      dir,
    );
    try {
      await term.waitFor('New value of the IT Glue API key (typing is hidden): ');
      term.type('not-a-key');
      await term.waitFor('an IT Glue API key starts with "ITG."');
      await term.waitFor('(typing is hidden): ');
      term.type(WRONG_KEY);
      await term.waitFor('✗ IT Glue (region us) refused the key');
      await term.waitFor('(typing is hidden): ');
      term.type(sims.credentials.itglueApiKey);
      await term.waitFor('Changed itglue.apiKey');
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    expect(term.screen).not.toContain(WRONG_KEY);
    expect(term.screen).not.toContain(sims.credentials.itglueApiKey);
    const after = readFileSync(config, 'utf8');
    // Only the key's line changed; comments and the other secrets are as they were.
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^ {2}"itglue": \{.*"apiKey":"enc:v1:/);
    expect((parseJsonText(after, config) as { microsoft: { clientSecret: string } }).microsoft.clientSecret).toBe(
      (parseJsonText(before, config) as { microsoft: { clientSecret: string } }).microsoft.clientSecret,
    );
    // The product reads the new key: doctor signs in to IT Glue with it.
    const doctor = await runCli(['--config', config, 'doctor'], env(), dir);
    expect(doctor.stdout).toMatch(/✓ IT Glue/);
  });

  it('config set-secret from the environment refuses a value the service refuses, and changes nothing', async () => {
    const before = readFileSync(config, 'utf8');
    const run = await runCli(
      ['--config', config, 'config', 'set-secret', 'bms.password'],
      {
        ...env(),
        CONTACTSYNC_SECRET_VALUE: 'not-the-password',
      },
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Kaseya BMS \(region us\) refused the login: .* Nothing was changed\.\n$/);
    expect(readFileSync(config, 'utf8')).toBe(before);
    const typo = await runCli(['--config', config, 'config', 'set-secret', 'itglue.apikey2'], env(), dir);
    expect(typo.stderr).toMatch(/itglue\.apikey2 is not a secret of .*; did you mean itglue\.apiKey\?/);
  });
});
