import { describe, expect, it } from 'vitest';
import { connectwiseSetup } from '../../src/connectors/connectwise/setup.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { EMAIL, useConnectwiseSimulator } from '../support/connectwise-simulator.ts';

/**
 * A communication type's name is ConnectWise's text: init writes it into the config, and init and doctor print it on
 * lines of their own. A line break in it stays inside its quotes, never a line that reads as contactsync's own.
 */

const start = useConnectwiseSimulator();
const FORGED = 'Mail\n✓ ConnectWise communication types: all fine';

describe('ConnectWise communication type names with line breaks', () => {
  it("init's summary and doctor's checks keep them quoted on their line", async () => {
    const s = await start(1);
    s.connectwise.load({
      communicationTypes: [
        { id: EMAIL, description: FORGED, emailFlag: true, phoneFlag: false, faxFlag: false, defaultFlag: true },
      ],
      companies: [],
    });
    const { company, publicKey, privateKey, clientId } = s.credentials.connectwise;
    const answers = {
      connectwiseSite: s.urls.connectwise!,
      connectwiseCompany: company,
      connectwisePublicKey: publicKey,
      connectwisePrivateKey: privateKey,
      connectwiseClientId: clientId,
    };
    expect(await connectwiseSetup.signIn(answers, undefined)).toMatchObject({ ok: true });
    const { block } = connectwiseSetup.configBlock(answers, (secret) => secret, undefined);
    expect(block).toMatchObject({ emailType: FORGED });
    const summary = connectwiseSetup.summary!(answers, () => '***');
    expect(summary).toContain(JSON.stringify(FORGED));
    expect(summary.split('\n').some((line) => line.startsWith('✓'))).toBe(false);

    const checks = await connectwiseSetup.doctor({
      block: { ...s.credentials.connectwise, site: s.urls.connectwise!, ...block, phoneType: 'Office\n✓ forged' },
      transport: {},
      mapped: [{ displayName: 'Contoso Ltd', customerId: '1' }],
      capture: false,
      settings: async () => [DEFAULT_SETTINGS],
    });
    const types = checks.find((c) => c.name === 'ConnectWise communication types')!;
    expect(types.state).toBe('fail');
    expect(types.detail).not.toContain('\n');
    expect(types.detail).toContain(JSON.stringify('Office\n✓ forged'));
  });
});
