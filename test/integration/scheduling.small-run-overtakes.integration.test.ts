import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { generatedSeed } from '../../bench/api-economy/generated-seed.ts';
import { lanedDispatcher, RunLanes } from '../../src/jobs/run-lanes.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { graphUser } from '../support/simulators.ts';
import { eventually } from '../support/push.ts';

// BMS compressed: 40 calls per 5 s per endpoint, so that 100 creates keep the create endpoint saturated for ~12 s.
const BMS = { limit: 40, windowMs: 5_000 };
const ONBOARDING = 100;

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.close();
  box = null;
});

const creates = (sandbox: Sandbox) =>
  sandbox.sims.requests.filter(
    (r) => r.server === 'bms' && r.method === 'POST' && r.route === '/v2/crm/contacts/summary' && r.status === 200,
  ).length;

it('in one process, a new hire elsewhere overtakes an onboarding that saturates the BMS budget', async () => {
  box = await startSandbox({ seed: generatedSeed(2, 10), logger: pino({ level: 'silent' }), limits: { bms: BMS } });
  const sandbox = box;
  await sandbox.syncAll();
  const [big, small] = sandbox.sims.dump().tenants;
  // An onboarding: 100 new users in the first customer.
  for (let i = 0; i < ONBOARDING; i++)
    sandbox.sims.graph.addUser(
      big!.id,
      graphUser(`onboard-${i}`, {
        userPrincipalName: `onboard${i}@customer1.example`,
        mail: `onboard${i}@customer1.example`,
        proxyAddresses: [`SMTP:onboard${i}@customer1.example`],
      }),
    );
  const dispatcher = lanedDispatcher(sandbox.runner, new RunLanes({ express: 1, bulk: 1 }));
  const before = creates(sandbox);
  // A poll of the first customer: it starts express, reads 100 changes, and moves to the bulk lane.
  const onboarding = dispatcher.runTenant(big!.id, { force: false, by: 'daemon' });
  let onboardingDone = false;
  void onboarding.then(() => (onboardingDone = true));
  // Saturated: the large run has spent its share of the create endpoint's window and waits.
  await eventually(() => creates(sandbox) - before >= 37, 20_000, 'the onboarding saturating BMS');
  let seen = -1;
  await eventually(
    async () => {
      const now = creates(sandbox);
      if (now === seen) return true;
      seen = now;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return false;
    },
    10_000,
    'the onboarding waiting for the window',
  );

  sandbox.sims.graph.addUser(
    small!.id,
    graphUser('newhire', {
      userPrincipalName: 'newhire@customer2.example',
      mail: 'newhire@customer2.example',
      proxyAddresses: ['SMTP:newhire@customer2.example'],
    }),
  );
  const started = Date.now();
  const result = await dispatcher.runTenant(small!.id, { force: false, by: 'daemon' });
  const tookMs = Date.now() - started;
  expect(result?.status).toBe('ok');
  expect(result?.users.find((u) => u.userPrincipalName === 'newhire@customer2.example')?.psa).toBe('created');
  // Well under the window the onboarding waits for, and before the onboarding is done.
  expect(tookMs).toBeLessThan(1_500);
  expect(onboardingDone).toBe(false);
  expect(creates(sandbox) - before).toBeLessThan(ONBOARDING);

  const finished = await onboarding;
  expect(finished?.status).toBe('ok');
  expect(finished?.counts['itglue.created']).toBe(ONBOARDING);
  expect(finished?.counts['bms.created']).toBe(ONBOARDING);
  expect(sandbox.sims.requests.filter((r) => r.server === 'bms' && r.status === 429)).toHaveLength(0);
}, 60_000);
