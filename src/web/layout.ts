import { html, type SafeHtml } from '../html.ts';
import type { Identity, Notice } from './web-context.ts';

export interface PageFrame {
  readonly identity: Identity | null;
  readonly csrf: string;
  /** the path of the page, to mark the current item of the navigation */
  readonly path: string;
  readonly notice?: Notice | null;
  /** how many items wait for a person (Needs attention), when known */
  readonly waiting?: number | null;
}

const NAV: readonly { href: string; label: string; adminOnly?: boolean }[] = [
  { href: '/', label: 'Dashboard' },
  { href: '/attention', label: 'Needs attention' },
  { href: '/conflicts', label: 'Conflicts' },
  { href: '/contacts', label: 'Contacts' },
  { href: '/audit', label: 'Audit log' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/users', label: 'Users', adminOnly: true },
];

function current(path: string, href: string): boolean {
  return href === '/' ? path === '/' || path.startsWith('/tenants') || path.startsWith('/runs') : path.startsWith(href);
}

/** A whole page: the navigation, the notice of the last action, and the body. */
export function renderPage(frame: PageFrame, title: string, body: SafeHtml): string {
  const { identity } = frame;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowScriptTags":false}' />
        <title>${title} · contactsync</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/htmx.min.js" defer></script>
      </head>
      <body hx-headers="${JSON.stringify({ 'x-csrf-token': frame.csrf })}">
        <header class="top">
          <a class="brand" href="/">contactsync</a>
          ${
            identity === null
              ? ''
              : html`<nav aria-label="Main">
                    ${NAV.filter((item) => item.adminOnly !== true || identity.role === 'admin').map((item) => html`<a href="${item.href}" ${current(frame.path, item.href) ? html` aria-current="page"` : ''}>${item.label}${item.href === '/attention' && (frame.waiting ?? 0) > 0 ? html` <span class="count" id="waiting-count">${frame.waiting}<span class="visually-hidden"> waiting</span></span>` : ''}</a>`)}
                  </nav>
                  <span class="who">${identity.name} (${identity.role})</span>
                  <form method="post" action="/logout">
                    <input type="hidden" name="_csrf" value="${frame.csrf}" /><button class="secondary" type="submit">
                      Sign out
                    </button>
                  </form>`
          }
        </header>
        <main>
          ${frame.notice ? html`<div class="notice ${frame.notice.kind}" role="status">${frame.notice.text}</div>` : ''}
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.value;
}

/** A form that posts to `action` with the CSRF token, made of one button. */
export function actionButton(
  frame: PageFrame,
  action: string,
  label: string,
  options: {
    secondary?: boolean;
    danger?: boolean;
    fields?: Record<string, string>;
    disabled?: boolean;
    busy?: string;
  } = {},
): SafeHtml {
  const classes = [options.secondary ? 'secondary' : '', options.danger ? 'danger' : ''].filter(Boolean).join(' ');
  return html`<form method="post" action="${action}">
    <input type="hidden" name="_csrf" value="${frame.csrf}" />
    ${Object.entries(options.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
    <button type="submit" ${classes === '' ? '' : html` class="${classes}"`}${options.disabled ? html` disabled` : ''}>
      ${label}
    </button>
  </form>`;
}

export function badge(text: string): SafeHtml {
  const kind = /^(ok|synced|created|updated|linked|unchanged|enabled|resolved)$/.test(text)
    ? 'ok'
    : /^(failed|failed-users|disputed|open)$/.test(text)
      ? 'bad'
      : /approval|held|unmapped|disabled|pending|interrupted/.test(text)
        ? 'warn'
        : '';
  return html`<span class="badge ${kind}">${text}</span>`;
}
