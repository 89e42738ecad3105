import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../support/alert-receivers.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

const TOKEN = 'xoxb-SECRET-1f2e3d';
let web: WebHarness;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  web = await startWebHarness();
}, 120_000);
afterAll(async () => {
  await web?.close();
  await hooks?.close();
});

describe('the Alerts page', () => {
  it('adds a Slack channel, shows its address masked, and sends a test alert from its button', async () => {
    const admin = new Browser(web.app);
    await admin.login('admin');
    await admin.get('/alerts');
    const saved = await admin.post('/alerts/channels', {
      name: 'Helpdesk',
      type: 'slack',
      url: `${hooks.base}/services/${TOKEN}`,
      allowPrivateNetwork: 'on',
      kinds: 'held',
      tenants: 'Contoso Ltd',
    });
    expect(saved.statusCode).toBe(303);
    const page = await admin.get('/alerts');
    expect(textOf(page.body)).toMatch(/Saved the channel "Helpdesk"/);
    expect(page.body).not.toContain(TOKEN);
    expect(textOf(page.body)).toContain(`Address ${hooks.base}/…`);
    const id = /action="\/alerts\/channels\/([^/]+)\/test"/.exec(page.body)![1]!;
    await admin.post(`/alerts/channels/${id}/test`);
    const after = await admin.get('/alerts');
    expect(textOf(after.body)).toContain('Sent a test alert to "Helpdesk".');
    expect(hooks.at(`/services/${TOKEN}`)).toHaveLength(1);
    expect((hooks.at(`/services/${TOKEN}`)[0]!.json as { text: string }).text).toBe('contactsync: test alert');
  });

  it('keeps the saved address when the channel is changed with the address left blank', async () => {
    const admin = new Browser(web.app);
    await admin.login('admin');
    const page = await admin.get('/alerts');
    const id = /name="id" value="([^"]+)"/.exec(page.body)![1]!;
    await admin.post('/alerts/channels', {
      id,
      name: 'Helpdesk',
      type: 'slack',
      url: '',
      allowPrivateNetwork: 'on',
      kinds: 'conflict',
    });
    const view = (
      await web.app.inject({ url: '/api/alerts', headers: { authorization: `Bearer ${web.tokens.viewer}` } })
    ).json() as {
      channels: { name: string; kinds: string[]; url: string }[];
    };
    expect(view.channels).toEqual([expect.objectContaining({ name: 'Helpdesk', kinds: ['conflict'] })]);
    expect(JSON.stringify(view)).not.toContain(TOKEN);
    await admin.post(`/alerts/channels/${id}/test`);
    expect(hooks.at(`/services/${TOKEN}`)).toHaveLength(2);
  });

  it('refuses a channel whose address is not a web address, saying which field', async () => {
    const admin = new Browser(web.app);
    await admin.login('admin');
    await admin.get('/alerts');
    const refused = await admin.post('/alerts/channels', {
      name: 'Bad',
      type: 'teams',
      url: 'not a url',
      kinds: 'held',
    });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('channel "Bad" url: give a web address starting with https://');
  });

  it('refuses a channel for a tenant that does not exist, naming it and listing the tenants', async () => {
    const admin = new Browser(web.app);
    await admin.login('admin');
    await admin.get('/alerts');
    const refused = await admin.post('/alerts/channels', {
      name: 'Typo',
      type: 'slack',
      url: `${hooks.base}/services/typo`,
      allowPrivateNetwork: 'on',
      kinds: 'held',
      tenants: 'Contso Ltd',
    });
    expect(refused.statusCode).toBe(400);
    const names = (await web.box.store.listTenants()).map((t) => t.displayName).sort((a, b) => a.localeCompare(b));
    expect(textOf(refused.body)).toContain(
      `channel "Typo" tenants: no tenant is called "Contso Ltd"; the tenants are ${names.join(', ')}.`,
    );
    const view = (
      await web.app.inject({ url: '/api/alerts', headers: { authorization: `Bearer ${web.tokens.viewer}` } })
    ).json() as { channels: { name: string }[] };
    expect(view.channels.map((c) => c.name)).not.toContain('Typo');
  });

  it('lets a viewer read the page but not send a test, and an admin token test over the REST API', async () => {
    const viewer = new Browser(web.app);
    await viewer.login('viewer');
    const page = await viewer.get('/alerts');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Send test alert');
    const sent = await web.app.inject({
      method: 'POST',
      url: '/api/alerts/test',
      headers: { authorization: `Bearer ${web.tokens.admin}` },
      payload: { channel: 'helpdesk' },
    });
    expect(sent.json()).toEqual({ message: 'Sent a test alert to "Helpdesk".' });
    const missing = await web.app.inject({
      method: 'POST',
      url: '/api/alerts/test',
      headers: { authorization: `Bearer ${web.tokens.admin}` },
      payload: { channel: 'Teams' },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe('No alert channel "Teams". The channels are: Helpdesk.');
  });
});
