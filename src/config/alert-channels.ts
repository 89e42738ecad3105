import { z } from 'zod';
import { ALERT_KINDS } from '../domain/alert-kind.ts';
import { destinationProblem } from './alert-destination.ts';

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
