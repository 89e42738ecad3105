import type { AlertChannel, AlertsConfig } from '../config/alert-channels.ts';
import type { SecretBox } from '../config/secret-box.ts';

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
function maskedUrl(url: string): string {
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
