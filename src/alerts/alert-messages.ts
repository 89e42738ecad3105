import { escapeHtml } from '../html.ts';
import type { AlertKind } from '../domain/alert-kind.ts';

/** One line of an alert: the item, its customer, and the link to its page. */
export interface AlertLine {
  readonly tenant: string;
  readonly subject: string;
  readonly detail: string;
  readonly url: string;
}

/** One message: every new item of one kind since the last message of that kind. */
export interface AlertMessage {
  readonly kind: AlertKind | 'test';
  readonly title: string;
  readonly lines: readonly AlertLine[];
  /** the Needs attention page, filtered to this kind */
  readonly url: string;
  readonly sentAt: string;
}

/** Lines shown in a message; the rest are counted, and the link leads to all of them. */
const LINES_SHOWN = 20;

/** An item about the customer as a whole (a failed sync, a halt) is the customer: its name is not said twice. */
function aboutCustomer(line: AlertLine): boolean {
  return line.subject === line.tenant;
}

function shown(message: AlertMessage): { lines: readonly AlertLine[]; more: number } {
  return { lines: message.lines.slice(0, LINES_SHOWN), more: Math.max(0, message.lines.length - LINES_SHOWN) };
}

/** The generic webhook body: everything as data, for a PSA, an RMM or a script. */
export function genericBody(message: AlertMessage): unknown {
  return {
    source: 'contactsync',
    kind: message.kind,
    title: message.title,
    count: message.lines.length,
    url: message.url,
    sentAt: message.sentAt,
    items: message.lines,
  };
}

/** Microsoft Teams: an Adaptive Card in the message envelope that Teams' incoming webhooks and Workflows accept. */
export function teamsBody(message: AlertMessage): unknown {
  const { lines, more } = shown(message);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: `contactsync: ${message.title}` },
            ...lines.map((line) => ({
              type: 'TextBlock',
              wrap: true,
              spacing: 'Small',
              text: aboutCustomer(line)
                ? `**[${teamsText(line.tenant)}](${line.url})** — ${teamsText(line.detail)}`
                : `**${teamsText(line.tenant)}** · [${teamsText(line.subject)}](${line.url}) — ${teamsText(line.detail)}`,
            })),
            ...(more > 0 ? [{ type: 'TextBlock', wrap: true, isSubtle: true, text: `and ${more} more` }] : []),
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open Needs attention', url: message.url }],
        },
      },
    ],
  };
}

/** Teams' card text is Markdown: characters that would make links or emphasis are escaped. */
function teamsText(text: string): string {
  return text.replace(/[\\*_[\]()#>`~|]/g, (c) => `\\${c}`);
}

/** Slack's incoming webhooks: mrkdwn blocks, with a plain `text` for notifications. */
export function slackBody(message: AlertMessage): unknown {
  const { lines, more } = shown(message);
  return {
    text: `contactsync: ${slackText(message.title)}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `contactsync: ${message.title}`.slice(0, 150) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: [
            ...lines.map(
              (line) =>
                `• ${aboutCustomer(line) ? `*<${line.url}|${slackText(line.tenant)}>*` : `*${slackText(line.tenant)}* · <${line.url}|${slackText(line.subject)}>`} — ${slackText(line.detail)}`,
            ),
            ...(more > 0 ? [`and ${more} more`] : []),
          ]
            .join('\n')
            .slice(0, 3000),
        },
      },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open Needs attention' }, url: message.url }],
      },
    ],
  };
}

/** Slack's control characters in text: &, < and > (https://api.slack.com/reference/surfaces/formatting#escaping). */
function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function emailBody(message: AlertMessage): { subject: string; text: string; html: string } {
  const { lines, more } = shown(message);
  const text = [
    message.title,
    '',
    ...lines.map(
      (line) =>
        `- ${aboutCustomer(line) ? line.tenant : `${line.tenant} · ${line.subject}`} — ${line.detail}\n  ${line.url}`,
    ),
    ...(more > 0 ? [`and ${more} more`] : []),
    '',
    `Open Needs attention: ${message.url}`,
    '',
  ].join('\n');
  const html = [
    `<p><strong>${escapeHtml(message.title)}</strong></p>`,
    '<ul>',
    ...lines.map(
      (line) =>
        `<li>${aboutCustomer(line) ? `<strong><a href="${escapeHtml(line.url)}">${escapeHtml(line.tenant)}</a></strong>` : `<strong>${escapeHtml(line.tenant)}</strong> · <a href="${escapeHtml(line.url)}">${escapeHtml(line.subject)}</a>`} — ${escapeHtml(line.detail)}</li>`,
    ),
    '</ul>',
    more > 0 ? `<p>and ${more} more</p>` : '',
    `<p><a href="${escapeHtml(message.url)}">Open Needs attention</a></p>`,
  ].join('\n');
  return { subject: `contactsync: ${message.title}`, text, html };
}
