import { z } from 'zod';
import type { SecretBox } from '../config/secret-box.ts';
import { destinationProblem } from './alert-destination.ts';
import { ALERT_KINDS, type AlertKind } from './alert-kinds.ts';

/**
 * Where alerts go: outgoing webhooks (a generic JSON body, Microsoft Teams or Slack) and email over SMTP, each for
 * some kinds and for every tenant or some. One shape for the config file's `alerts` block, the web UI and the REST
 * API; webhook URLs and SMTP passwords are secrets, kept sealed in the state database.
 */

const kinds = z
  .array(z.enum(ALERT_KINDS))
  .min(1, 'choose at least one kind of alert')
  .default([...ALERT_KINDS]);
const tenants = z
  .array(z.string().trim().min(1, 'a tenant name cannot be empty'))
  .default([])
  .describe('tenant ids or names; empty: every tenant');
const name = z.string().trim().min(1, 'give the channel a name').max(80, 'a channel name is at most 80 characters');
const webUrl = z.url({ protocol: /^https?$/, error: 'give a web address starting with https://' });
/** loopback and private addresses (a relay or a hook on the LAN) are refused unless the channel says so */
const allowPrivateNetwork = z.boolean().optional();

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export const WEBHOOK_TYPES = ['webhook', 'teams', 'slack'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

const webhookChannel = z
  .strictObject({
    name,
    type: z.enum(WEBHOOK_TYPES),
    url: webUrl,
    allowPrivateNetwork,
    kinds,
    tenants,
  })
  .superRefine((channel, context) => {
    const why = destinationProblem(hostOf(channel.url), channel.allowPrivateNetwork === true);
    if (why !== null) context.addIssue({ code: 'custom', path: ['url'], message: `alerts are not sent there: ${why}` });
  });

const emailChannel = z
  .strictObject({
    name,
    type: z.literal('email'),
    to: z
      .array(z.email('give an email address such as noc@example.com'))
      .min(1, 'give at least one address to send to'),
    from: z.email('give the sender address, such as contactsync@example.com'),
    smtp: z.strictObject({
      host: z.string().trim().min(1, 'give the SMTP server name'),
      port: z.number().int().min(1).max(65535).default(587),
      /** TLS from the start (port 465); otherwise STARTTLS when the server offers it */
      secure: z.boolean().default(false),
      user: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      /** the password in clear over a connection without TLS (neither `secure` nor STARTTLS): only when said */
      allowPlainAuth: z.boolean().optional(),
    }),
    allowPrivateNetwork,
    kinds,
    tenants,
  })
  .superRefine((channel, context) => {
    const why = destinationProblem(channel.smtp.host, channel.allowPrivateNetwork === true);
    if (why !== null)
      context.addIssue({ code: 'custom', path: ['smtp', 'host'], message: `alerts are not sent there: ${why}` });
  });

export const alertChannelSchema = z.discriminatedUnion('type', [webhookChannel, emailChannel]);

export const alertsSchema = z
  .strictObject({
    /** at most one message per kind, customer and channel in this many minutes: the rest wait for the next one */
    intervalMinutes: z.number().int().min(1).max(1440).default(15),
    /** the web UI's address as people reach it, for the links in alerts (else web.publicUrl) */
    baseUrl: webUrl.optional(),
    channels: z.array(alertChannelSchema).default([]),
  })
  .refine((a) => new Set(a.channels.map((c) => c.name.toLowerCase())).size === a.channels.length, {
    message: 'two channels have the same name',
    path: ['channels'],
  });

export type AlertChannelInput = z.input<typeof alertChannelSchema>;
export type AlertChannel = z.output<typeof alertChannelSchema>;
export type AlertsConfig = z.output<typeof alertsSchema>;

/** A channel as the state database keeps it: its secrets sealed, with an id that survives renames. */
export type StoredChannel = AlertChannel & { readonly id: string; readonly createdAt: string };

export interface StoredAlerts {
  readonly intervalMinutes: number;
  readonly baseUrl?: string | undefined;
  readonly channels: readonly StoredChannel[];
  /** the config file's `alerts` block last applied (secrets sealed); edits in the UI stand until that block changes */
  readonly fromConfig?: AlertsConfig | undefined;
}

export const NO_ALERTS: StoredAlerts = { intervalMinutes: 15, channels: [] };

export function sealChannel(channel: AlertChannel, box: SecretBox): AlertChannel {
  if (channel.type !== 'email') return { ...channel, url: box.seal(channel.url) };
  return channel.smtp.password === undefined
    ? channel
    : { ...channel, smtp: { ...channel.smtp, password: box.seal(channel.smtp.password) } };
}

export function openChannel<T extends AlertChannel>(channel: T, box: SecretBox): T {
  if (channel.type !== 'email') return { ...channel, url: box.open(channel.url) };
  return channel.smtp.password === undefined
    ? channel
    : { ...channel, smtp: { ...channel.smtp, password: box.open(channel.smtp.password) } };
}

/** How a webhook address is shown: its scheme and host, nothing of the path or query that carries its token. */
export function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '…';
  }
}

/** A channel with its secrets masked, for pages, the API and the CLI. */
export function maskedChannel(channel: StoredChannel, box: SecretBox): Record<string, unknown> {
  const { id, createdAt, ...rest } = channel;
  if (rest.type !== 'email') return { id, ...rest, url: maskedUrl(box.open(rest.url)), createdAt };
  const { password, ...smtp } = rest.smtp;
  return { id, ...rest, smtp: { ...smtp, password: password === undefined ? null : '••••' }, createdAt };
}

export function channelWants(channel: AlertChannel, kind: AlertKind | 'test'): boolean {
  return kind === 'test' || channel.kinds.includes(kind);
}
