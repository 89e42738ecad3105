import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { alertKindNames, type AlertKindName } from '../../alerts/alert-kinds.ts';
import { ALERT_KINDS, type AlertKind } from '../../domain/alert-kind.ts';
import { WEBHOOK_TYPES } from '../../config/alert-channels.ts';
import { OperationError } from '../../operations/operator-actions.ts';
import { html, type SafeHtml } from '../../html.ts';
import { actionButton, type PageFrame } from '../layout.ts';
import type { PageTools } from '../page-tools.ts';
import { actorOf, type WebServices } from '../web-context.ts';
import { isAdmin, param } from './shared.ts';

const TYPE_NAMES: Record<string, string> = {
  teams: 'Microsoft Teams (incoming webhook or Workflows)',
  slack: 'Slack (incoming webhook)',
  webhook: 'Webhook (generic JSON)',
  email: 'Email (SMTP)',
};

type ChannelView = Record<string, unknown> & {
  id?: string;
  name?: string;
  type?: string;
  url?: string;
  to?: string[];
  from?: string;
  smtp?: {
    host?: string;
    port?: number;
    secure?: boolean;
    user?: string;
    password?: string | null;
    allowPlainAuth?: boolean;
  };
  allowPrivateNetwork?: boolean;
  kinds?: string[];
  tenants?: string[];
};

function list(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .flatMap((v) => String(v).split(/[,;\n]/))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A channel as the form sends it, in the shape of the alert settings (secrets left blank keep the saved ones). */
function channelFromForm(body: Record<string, unknown>): Record<string, unknown> {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
  const checked = (name: string) => body[name] === 'on' || body[name] === 'true';
  const common = {
    ...(text('id') === '' ? {} : { id: text('id') }),
    name: text('name'),
    type: text('type'),
    ...(checked('allowPrivateNetwork') ? { allowPrivateNetwork: true } : {}),
    kinds: list(body.kinds),
    tenants: list(body.tenants),
  };
  if (common.type !== 'email') return { ...common, url: text('url') };
  const port = Number(text('port') || '587');
  return {
    ...common,
    to: list(body.to),
    from: text('from'),
    smtp: {
      host: text('host'),
      port: Number.isFinite(port) ? port : text('port'),
      secure: checked('secure'),
      ...(text('user') === '' ? {} : { user: text('user') }),
      ...(text('password') === '' ? {} : { password: text('password') }),
      ...(checked('allowPlainAuth') ? { allowPlainAuth: true } : {}),
    },
  };
}

function channelForm(
  frame: PageFrame,
  channel: ChannelView | null,
  kindNames: Readonly<Record<AlertKind, AlertKindName>>,
): SafeHtml {
  const id = channel?.id ?? 'new';
  const f = (name: string) => `${name}-${id}`;
  const kinds = channel?.kinds ?? [...ALERT_KINDS];
  const input = (
    label: string,
    name: string,
    value: string,
    options: { type?: string; placeholder?: string; help?: string; required?: boolean } = {},
  ) =>
    html`<div class="field">
      <label for="${f(name)}">${label}</label
      ><input
        type="${options.type ?? 'text'}"
        id="${f(name)}"
        name="${name}"
        value="${value}"
        autocomplete="off"
        placeholder="${options.placeholder ?? ''}"
        ${options.required ? html` required` : ''}
      />
      ${options.help === undefined ? '' : html`<p class="help">${options.help}</p>`}
    </div>`;
  return html`<form method="post" action="/alerts/channels" class="alert-channel">
    <input type="hidden" name="_csrf" value="${frame.csrf}" />
    ${channel?.id === undefined ? '' : html`<input type="hidden" name="id" value="${channel.id}" />`}
    ${input('Name', 'name', channel?.name ?? '', { required: true })}
    <div class="field">
      <label for="${f('type')}">Where</label
      ><select id="${f('type')}" name="type">
        ${[...WEBHOOK_TYPES, 'email'].map((t) => html`<option value="${t}" ${channel?.type === t ? html` selected` : ''}>${TYPE_NAMES[t]}</option>`)}
      </select>
    </div>
    ${input('Webhook address', 'url', '', {
      type: 'password',
      placeholder: channel?.url === undefined ? 'https://…' : `saved (${channel.url}); leave blank to keep`,
      help: 'For Teams, Slack and webhooks. A secret: kept encrypted, never shown again.',
    })}
    <fieldset>
      <legend>Email</legend>
      ${input('To', 'to', (channel?.to ?? []).join(', '), { placeholder: 'noc@example.com' })}
      ${input('From', 'from', channel?.from ?? '', { placeholder: 'contactsync@example.com' })}
      ${input('SMTP server', 'host', channel?.smtp?.host ?? '')}
      ${input('Port', 'port', String(channel?.smtp?.port ?? 587), { type: 'number' })}
      <div class="field">
        <label
          ><input type="checkbox" name="secure" ${channel?.smtp?.secure === true ? html` checked` : ''} /> TLS from the
          start (port 465)</label
        >
      </div>
      ${input('SMTP user', 'user', channel?.smtp?.user ?? '')}
      ${input('SMTP password', 'password', '', {
        type: 'password',
        placeholder: channel?.smtp?.password ? 'saved; leave blank to keep' : '',
        ...(channel?.smtp?.password
          ? { help: 'Changing the server, the port or the user asks for the password again.' }
          : {}),
      })}
      <div class="field">
        <label
          ><input
            type="checkbox"
            name="allowPlainAuth"
            ${channel?.smtp?.allowPlainAuth === true ? html` checked` : ''}
          />
          Send the password without TLS (a server on a trusted network only)</label
        >
      </div>
    </fieldset>
    <div class="field">
      <label
        ><input
          type="checkbox"
          name="allowPrivateNetwork"
          ${channel?.allowPrivateNetwork === true ? html` checked` : ''}
        />
        May reach this machine or a private network (a relay or a hook on the LAN)</label
      >
    </div>
    <fieldset>
      <legend>What</legend>
      ${ALERT_KINDS.map((k) => html`<label class="check"><input type="checkbox" name="kinds" value="${k}" ${kinds.includes(k) ? html` checked` : ''} /> ${kindNames[k].many}</label>`)}
    </fieldset>
    <div class="field">
      <label for="${f('tenants')}">Tenants</label
      ><input
        type="text"
        id="${f('tenants')}"
        name="tenants"
        value="${(channel?.tenants ?? []).join(', ')}"
        placeholder="every tenant"
      />
      <p class="help">Names or ids, separated by commas; empty: every tenant.</p>
    </div>
    <p class="actions"><button type="submit">${channel === null ? 'Add channel' : 'Save channel'}</button></p>
  </form>`;
}

/** A saved channel as the settings take it back: without the time it was made. */
function strip(channel: Record<string, unknown>): Record<string, unknown> {
  const { createdAt: _c, ...rest } = channel;
  return rest;
}

/** Where alerts go: channels (Teams, Slack, webhooks, email), how often, and a test button for each. */
export function registerAlertsPage(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { alerts } = services;
  const kindNames = alertKindNames(services.targets);

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const view = await alerts.view();
    const frame = tools.frame(request, reply);
    const admin = isAdmin(request);
    const channels = view.channels as ChannelView[];
    return tools.send(
      request,
      reply,
      'Alerts',
      html`<p>
          contactsync tells these channels when something new waits for a person: conflicts to decide, contacts held
          from BMS, deletion-guard halts, failed syncs and contract mismatches. Each channel gets at most one message
          per kind and customer every ${view.intervalMinutes} minutes, listing every new item with a link to it.
        </p>
        ${
          admin
            ? html`<form method="post" action="/alerts/settings" class="card actions">
                <input type="hidden" name="_csrf" value="${frame.csrf}" />
                <div class="field">
                  <label for="interval">Minutes between messages of one kind</label
                  ><input
                    type="number"
                    id="interval"
                    name="intervalMinutes"
                    min="1"
                    max="1440"
                    value="${view.intervalMinutes}"
                  />
                </div>
                <div class="field">
                  <label for="base-url">Links point at</label
                  ><input
                    type="text"
                    id="base-url"
                    name="baseUrl"
                    value="${view.savedBaseUrl ?? ''}"
                    placeholder="${view.baseUrl}"
                  />
                </div>
                <button type="submit">Save</button>
              </form>`
            : html`<p class="muted">Links point at ${view.baseUrl}.</p>`
        }
        ${view.linkWarning === null ? '' : html`<div class="notice bad" role="alert" data-link-warning>${view.linkWarning}</div>`}
        ${channels.length === 0 ? html`<p class="card">No channel yet${admin ? ': add one below, or in the "alerts" block of the config file' : ''}.</p>` : ''}
        ${channels.map(
          (c) =>
            html`<section class="card" data-channel="${c.name ?? ''}">
              <h2>${c.name} <span class="muted">· ${TYPE_NAMES[c.type ?? ''] ?? c.type}</span></h2>
              <p>
                ${c.type === 'email' ? html`To ${(c.to ?? []).join(', ')} from ${c.from} via ${c.smtp?.host}:${c.smtp?.port}${c.smtp?.user ? html`, user ${c.smtp.user}, password ${c.smtp.password ?? 'none'}` : ''}` : html`Address <code>${c.url}</code>`}
              </p>
              <p>
                ${(c.kinds ?? []).map((k) => kindNames[k as AlertKind]?.many ?? k).join(', ')} ·
                ${(c.tenants ?? []).length === 0 ? 'every tenant' : (c.tenants ?? []).join(', ')}
              </p>
              ${
                admin
                  ? html`<div class="actions">
                        ${actionButton(frame, `/alerts/channels/${encodeURIComponent(c.id ?? '')}/test`, 'Send test alert')}
                        ${actionButton(frame, `/alerts/channels/${encodeURIComponent(c.id ?? '')}/delete`, 'Remove', { secondary: true })}
                      </div>
                      <details>
                        <summary>Change</summary>
                        ${channelForm(frame, c, kindNames)}
                      </details>`
                  : ''
              }
            </section>`,
        )}
        ${
          admin
            ? html`<h2>Add a channel</h2>
                <div class="card">${channelForm(frame, null, kindNames)}</div>`
            : ''
        }`,
    );
  };

  app.get('/alerts', { config: { access: 'viewer' } }, page);

  const current = async () => {
    const stored = await alerts.settings();
    return {
      intervalMinutes: stored.intervalMinutes,
      ...(stored.baseUrl === undefined ? {} : { baseUrl: stored.baseUrl }),
      // Saved secrets are left out: the service keeps them for channels whose id it knows.
      channels: stored.channels.map((c) =>
        c.type === 'email' ? { ...c, smtp: { ...c.smtp, password: undefined } } : { ...c, url: undefined },
      ),
    };
  };

  app.post('/alerts/settings', { config: { access: 'admin' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const now = await current();
    const interval = Number(body.intervalMinutes);
    const baseUrl = typeof body.baseUrl === 'string' ? body.baseUrl.trim() : '';
    await alerts.save(
      {
        ...now,
        intervalMinutes: Number.isFinite(interval) ? interval : body.intervalMinutes,
        ...(baseUrl === '' ? { baseUrl: undefined } : { baseUrl }),
        channels: now.channels.map(strip),
      },
      actorOf(request.identity!),
    );
    tools.flash(request, { kind: 'ok', text: 'Saved the alert settings.' });
    return reply.redirect('/alerts', 303);
  });

  app.post('/alerts/channels', { config: { access: 'admin' } }, async (request, reply) => {
    const channel = channelFromForm((request.body ?? {}) as Record<string, unknown>);
    const now = await current();
    const others = now.channels.filter((c) => c.id !== channel.id).map(strip);
    const at = now.channels.findIndex((c) => c.id === channel.id);
    const channels = at === -1 ? [...others, channel] : [...others.slice(0, at), channel, ...others.slice(at)];
    await alerts.save({ ...now, channels }, actorOf(request.identity!));
    tools.flash(request, {
      kind: 'ok',
      text: `Saved the channel "${String(channel.name)}". Send a test alert to check it.`,
    });
    return reply.redirect('/alerts', 303);
  });

  app.post('/alerts/channels/:id/delete', { config: { access: 'admin' } }, async (request, reply) => {
    const id = param(request, 'id');
    const now = await current();
    const gone = now.channels.find((c) => c.id === id);
    if (gone === undefined) throw new OperationError('NotFound', `No alert channel ${id}: it was removed already.`);
    await alerts.save(
      { ...now, channels: now.channels.filter((c) => c.id !== id).map(strip) },
      actorOf(request.identity!),
    );
    tools.flash(request, { kind: 'ok', text: `Removed the channel "${gone.name}".` });
    return reply.redirect('/alerts', 303);
  });

  app.post('/alerts/channels/:id/test', { config: { access: 'admin' } }, async (request, reply) => {
    try {
      tools.flash(request, { kind: 'ok', text: await alerts.test(param(request, 'id'), actorOf(request.identity!)) });
    } catch (error) {
      tools.flash(request, { kind: 'bad', text: (error as Error).message });
    }
    return reply.redirect('/alerts', 303);
  });
}
