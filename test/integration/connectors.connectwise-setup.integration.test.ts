import { describe, expect, it } from 'vitest';
import { connectwiseSetup } from '../../src/connectors/connectwise/setup.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { useConnectwiseSimulator } from '../support/connectwise-simulator.ts';

const start = useConnectwiseSimulator();

function answersOf(s: RunningSimulators) {
  const { company, publicKey, privateKey, clientId } = s.credentials.connectwise;
  return {
    connectwiseSite: s.urls.connectwise!,
    connectwiseCompany: company,
    connectwisePublicKey: publicKey,
    connectwisePrivateKey: privateKey,
    connectwiseClientId: clientId,
  };
}

const doctor = (s: RunningSimulators, block: Record<string, unknown>) =>
  connectwiseSetup.doctor({
    block: { ...s.credentials.connectwise, site: s.urls.connectwise!, ...block },
    transport: {},
    mapped: [{ displayName: 'Contoso Ltd', customerId: '1' }],
    capture: false,
    settings: async () => [DEFAULT_SETTINGS],
  });

describe('connecting ConnectWise', () => {
  it('signs in with init’s answers at the site, writes the codebase it found, and refuses a wrong key without showing it', async () => {
    const s = await start(3);
    const answers = answersOf(s);
    const ok = await connectwiseSetup.signIn(answers, undefined);
    expect(ok).toMatchObject({
      ok: true,
      message: expect.stringMatching(/signed the API member .* in \(codebase v4_6_release\/\)/),
    });
    const { block } = connectwiseSetup.configBlock(answers, (secret) => secret, undefined);
    expect(block).toMatchObject({
      codebase: 'v4_6_release/',
      emailType: 'Email',
      phoneType: 'Direct',
      mobileType: 'Cell',
    });
    const wrong = await connectwiseSetup.signIn({ ...answers, connectwisePrivateKey: 'cw-not-the-key' }, undefined);
    expect(wrong).toMatchObject({ ok: false, message: expect.stringMatching(/public and private keys/) });
    expect(wrong?.message).not.toContain('cw-not-the-key');
  });

  it('doctor reads companies, contacts and sites, and checks the communication types the config names', async () => {
    const s = await start(3);
    const fine = await doctor(s, { codebase: 'v4_6_release/' });
    expect(fine.map((c) => [c.name, c.state])).toEqual([
      ['ConnectWise PSA', 'ok'],
      ['ConnectWise permissions', 'ok'],
      ['ConnectWise communication types', 'ok'],
      ['ConnectWise sites of Contoso Ltd', 'ok'],
      ['ConnectWise links', 'ok'],
    ]);
    expect(fine[3]!.detail).toBe('"Main", "Annex"');
    const types = (await doctor(s, { phoneType: 'Office', mobileType: 'Email' })).find(
      (c) => c.name === 'ConnectWise communication types',
    )!;
    expect(types.state).toBe('fail');
    expect(types.detail).toMatch(/phoneType "Office" is no phone type; mobileType "Email" is no phone type/);
    expect(types.detail).toMatch(/its phone types: "Direct", "Cell", "Home"/);
  });
});
