import nodemailer from 'nodemailer';
import { ConnectorError } from '../connectors/http/connector-error.ts';
import type { AlertChannel } from './alert-settings.ts';
import { emailBody, genericBody, slackBody, teamsBody, type AlertMessage } from './alert-messages.ts';

const TIMEOUT_MS = 15_000;

/**
 * Sends one message to one channel (its secrets opened). A failure is a ConnectorError whose message names the channel
 * and what the other end said, never the webhook's address or the SMTP password.
 */
export async function sendAlert(channel: AlertChannel, message: AlertMessage): Promise<void> {
  if (channel.type === 'email') return sendEmail(channel, message);
  const body =
    channel.type === 'teams'
      ? teamsBody(message)
      : channel.type === 'slack'
        ? slackBody(message)
        : genericBody(message);
  let response: Response;
  try {
    response = await fetch(channel.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'contactsync-alerts' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (error) {
    const why =
      (error as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : 'it cannot be reached';
    throw failure(channel, `${why}; check the address and that this server may reach it`);
  }
  if (!response.ok) {
    // What the other end says (Slack: "invalid_token", "no_service"), without anything of the address itself.
    const said = (await response.text().catch(() => '')).replaceAll(channel.url, '…').slice(0, 200).trim();
    throw failure(
      channel,
      `it answered ${response.status}${said === '' ? '' : ` (${said})`}; ${response.status === 404 || response.status === 403 || response.status === 410 ? 'the webhook was probably removed or its address is wrong: make a new one and save it here' : 'try again later, or check the webhook in its app'}`,
    );
  }
}

async function sendEmail(channel: Extract<AlertChannel, { type: 'email' }>, message: AlertMessage): Promise<void> {
  const { smtp } = channel;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  const { subject, text, html } = emailBody(message);
  try {
    await transport.sendMail({ from: channel.from, to: [...channel.to], subject, text, html });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const said = (error as { response?: string }).response;
    throw failure(
      channel,
      code === 'EAUTH'
        ? `the SMTP server refused the user name or password${said === undefined ? '' : ` (${said.slice(0, 120)})`}`
        : code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'ESOCKET' || code === 'EDNS'
          ? `the SMTP server ${smtp.host}:${smtp.port} cannot be reached (${code}); check the host, the port and "secure"`
          : `the SMTP server refused the message${said === undefined ? `: ${(error as Error).message.slice(0, 160)}` : ` (${said.slice(0, 160)})`}`,
    );
  } finally {
    transport.close();
  }
}

function failure(channel: AlertChannel, why: string): ConnectorError {
  return new ConnectorError({
    code: 'Transient',
    service: 'alerts',
    message: `Sending to the alert channel "${channel.name}" failed: ${why}.`,
  });
}
