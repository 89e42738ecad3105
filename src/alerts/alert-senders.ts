import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import nodemailer from 'nodemailer';
import { ConnectorError } from '../connectors/http/connector-error.ts';
import { checkedAddress, DestinationRefused, destinationProblem, guardedLookup } from '../config/alert-destination.ts';
import type { AlertChannel } from '../config/alert-channels.ts';
import { emailBody, genericBody, slackBody, teamsBody, type AlertMessage } from './alert-messages.ts';

const TIMEOUT_MS = 15_000;

interface SendOptions {
  /** how long a webhook or an SMTP server has to answer; an SMTP server that cannot be reached fails after this long */
  readonly timeoutMs?: number;
}

/**
 * Sends one message to one channel (its secrets opened). A failure is a ConnectorError whose message names the channel
 * and the status the other end answered, never the webhook's address, what the other end wrote (it may echo the
 * address) or the SMTP password.
 */
export async function sendAlert(
  channel: AlertChannel,
  message: AlertMessage,
  options: SendOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  if (channel.type === 'email') return sendEmail(channel, message, timeoutMs);
  const body =
    channel.type === 'teams'
      ? teamsBody(message)
      : channel.type === 'slack'
        ? slackBody(message)
        : genericBody(message);
  let status: number;
  let location: string | null;
  try {
    ({ status, location } = await postJson(
      channel.url,
      JSON.stringify(body),
      channel.allowPrivateNetwork === true,
      timeoutMs,
    ));
  } catch (error) {
    const why =
      error instanceof DestinationRefused
        ? `it was not sent: ${error.why}`
        : (error as Error).name === 'TimeoutError'
          ? `no answer in ${timeoutMs / 1000} s; check the address and that this server may reach it`
          : 'it cannot be reached; check the address and that this server may reach it';
    throw failure(channel, why);
  }
  if (status < 200 || status > 299)
    throw failure(
      channel,
      `it answered ${status}; ${
        status === 404 || status === 403 || status === 410
          ? 'the webhook was probably removed or its address is wrong: make a new one and save it here'
          : status >= 300 && status < 400
            ? `it redirected to ${originOf(location, channel.url)}, where alerts are not followed (the address is a secret): check the webhook in its app and save its address here`
            : 'try again later, or check the webhook in its app'
      }`,
    );
}

/**
 * POSTs and answers the status alone: the body is never read (an endpoint may echo the secret address), redirects are
 * never followed, and the address connected to is the one checked (a literal here, a resolved name in the lookup).
 */
function postJson(
  url: string,
  body: string,
  allowPrivateNetwork: boolean,
  timeoutMs: number,
): Promise<{ status: number; location: string | null }> {
  const target = new URL(url);
  const refused = destinationProblem(target.hostname, allowPrivateNetwork);
  if (refused !== null) return Promise.reject(new DestinationRefused(refused));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'contactsync-alerts',
        },
        lookup: guardedLookup(allowPrivateNetwork),
        // A connection of its own, looked up and checked afresh: a kept-alive one may have been opened for another
        // channel, under other rules, or before the name changed its answer.
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        response.resume();
        const { location } = response.headers;
        resolve({ status: response.statusCode ?? 0, location: location ?? null });
      },
    );
    outgoing.on('error', (error) => {
      const cause = (error as Error & { cause?: unknown }).cause;
      reject(cause instanceof DestinationRefused ? cause : error);
    });
    outgoing.end(body);
  });
}

/** Where a redirect pointed: its origin alone, never the path that may carry a secret. */
function originOf(location: string | null, from: string): string {
  try {
    return location === null ? 'no address' : new URL(location, from).origin;
  } catch {
    return 'an address that is not valid';
  }
}

/** Failures before the SMTP server said who it is: one answer for all of them, given after the same time. */
const CONNECT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROTOCOL', 'ECONNREFUSED']);

async function sendEmail(
  channel: Extract<AlertChannel, { type: 'email' }>,
  message: AlertMessage,
  timeoutMs: number,
): Promise<void> {
  const { smtp } = channel;
  const started = Date.now();
  const couldNotConnect = async (): Promise<never> => {
    // A refused port answers at once, a silent one after the timeout, a service that is not SMTP in between: waiting
    // out the same time for each keeps the answer from telling which ports are open.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, timeoutMs - (Date.now() - started))));
    throw failure(
      channel,
      `could not connect to the SMTP server ${smtp.host}:${smtp.port}; check the host, the port and "secure"`,
    );
  };
  let address: string;
  try {
    address = await checkedAddress(smtp.host, channel.allowPrivateNetwork === true);
  } catch (error) {
    if (error instanceof DestinationRefused) throw failure(channel, `it was not sent: ${error.why}`);
    return couldNotConnect();
  }
  const authenticates = smtp.user !== undefined;
  const transport = nodemailer.createTransport({
    // The address checked, so that the name cannot resolve elsewhere in between; TLS still checks the name.
    host: address,
    port: smtp.port,
    secure: smtp.secure,
    // The password goes only over TLS (from the start, or after STARTTLS) unless the channel allows it in clear.
    requireTLS: authenticates && !smtp.secure && smtp.allowPlainAuth !== true,
    ...(address === smtp.host ? {} : { tls: { servername: smtp.host } }),
    ...(authenticates ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  const { subject, text, html } = emailBody(message);
  try {
    await transport.sendMail({ from: channel.from, to: [...channel.to], subject, text, html });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const said = (error as { response?: string }).response;
    if (code === 'ETLS' || /STARTTLS/i.test((error as Error).message))
      throw failure(
        channel,
        'the SMTP server offers no TLS, and the password is sent only over TLS: turn on "secure" (port 465), use a server that offers STARTTLS, or set "allowPlainAuth": true on the channel for a server on a trusted network',
      );
    if (CONNECT_CODES.has(code)) return couldNotConnect();
    throw failure(
      channel,
      code === 'EAUTH'
        ? `the SMTP server refused the user name or password${said === undefined ? '' : ` (${said.slice(0, 120)})`}`
        : `the SMTP server refused the message${said === undefined ? '' : ` (${said.slice(0, 160)})`}`,
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
