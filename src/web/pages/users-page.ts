import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OperationError } from '../../operations/operation-error.ts';
import {
  addUser,
  MIN_PASSWORD_LENGTH,
  removeUser,
  setUserPassword,
  setUserRole,
} from '../../operations/user-accounts.ts';
import type { WebRole } from '../../domain/web-user.ts';
import { html, type SafeHtml } from '../../html.ts';
import { badge, type PageFrame } from '../layout.ts';
import type { PageTools } from '../page-tools.ts';
import { actorOf, type WebServices } from '../web-context.ts';
import { field, param } from './shared.ts';

const ROLES: readonly WebRole[] = ['viewer', 'admin'];

function roleSelect(id: string, selected: WebRole): SafeHtml {
  return html`<select id="${id}" name="role">
    ${ROLES.map((r) => html`<option value="${r}" ${r === selected ? html` selected` : ''}>${r}</option>`)}
  </select>`;
}

function userCard(
  frame: PageFrame,
  user: { username: string; role: WebRole; createdAt: string; sessions: number },
  index: number,
): SafeHtml {
  const base = `/users/${encodeURIComponent(user.username)}`;
  const csrf = html`<input type="hidden" name="_csrf" value="${frame.csrf}" />`;
  return html`<section class="card" data-user="${user.username}">
    <h2>
      ${user.username} ${badge(user.role)}
      <span class="muted"
        >· added ${user.createdAt.replace('T', ' ').slice(0, 16)} · ${user.sessions}
        session${user.sessions === 1 ? '' : 's'}${user.username === frame.identity?.name ? ' · you' : ''}</span
      >
    </h2>
    <div class="actions">
      <form method="post" action="${base}/role" class="inline">
        ${csrf}
        <label for="role-${index}">Role</label> ${roleSelect(`role-${index}`, user.role)}
        <button type="submit" class="secondary">Change role</button>
      </form>
      <form method="post" action="${base}/password" class="inline">
        ${csrf}
        <label for="password-${index}">New password</label>
        <input
          type="password"
          id="password-${index}"
          name="password"
          autocomplete="new-password"
          minlength="${MIN_PASSWORD_LENGTH}"
          required
        />
        <button type="submit" class="secondary">Set password</button>
      </form>
      <details>
        <summary>Remove…</summary>
        <form method="post" action="${base}/remove">
          ${csrf}
          <p class="muted">${user.username} can no longer sign in; their sessions end now.</p>
          <button type="submit" class="danger">Remove ${user.username}</button>
        </form>
      </details>
    </div>
  </section>`;
}

/**
 * Users (admins only): the logins of the web UI, each with its role and live sessions; add one, change a role, set
 * a password, remove one. The last admin cannot be removed or made a viewer; every change ends the sessions of the
 * login it changes, and is audited.
 */
export function registerUsersPage(app: FastifyInstance, services: WebServices, tools: PageTools): void {
  const { store } = services;

  app.get('/users', { config: { access: 'admin' } }, async (request, reply) => {
    const frame = tools.frame(request, reply);
    const users = await store.listUsers();
    return tools.send(
      request,
      reply,
      'Users',
      html`<p class="muted">
          The people who sign in here. Viewers see everything; admins change things. A change of role or password signs
          that person out everywhere.
        </p>
        ${users.map((user, i) => userCard(frame, user, i))}
        <section class="card">
          <h2>Add a login</h2>
          <form method="post" action="/users" class="settings">
            <input type="hidden" name="_csrf" value="${frame.csrf}" />
            <div class="field">
              <label for="new-username">User name</label
              ><input type="text" id="new-username" name="username" autocomplete="off" required />
              <p class="help">2 to 64 letters, digits or . _ @ -</p>
            </div>
            <div class="field"><label for="new-role">Role</label>${roleSelect('new-role', 'viewer')}</div>
            <div class="field">
              <label for="new-password">Password</label
              ><input
                type="password"
                id="new-password"
                name="password"
                autocomplete="new-password"
                minlength="${MIN_PASSWORD_LENGTH}"
                required
              />
              <p class="help">At least ${MIN_PASSWORD_LENGTH} characters.</p>
            </div>
            <p class="actions"><button type="submit">Add login</button></p>
          </form>
        </section>`,
    );
  });

  /** Runs a change and says how it went on the Users page; a refusal is said there too. */
  const change =
    (run: (request: FastifyRequest) => Promise<string>) => async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        tools.flash(request, { kind: 'ok', text: await run(request) });
      } catch (error) {
        if (!(error instanceof OperationError)) throw error;
        tools.flash(request, { kind: 'bad', text: error.message });
      }
      return reply.redirect('/users', 303);
    };

  app.post(
    '/users',
    { config: { access: 'admin' } },
    change((request) =>
      addUser(
        store,
        (field(request, 'username') ?? '').trim(),
        field(request, 'password') ?? '',
        field(request, 'role') ?? '',
        actorOf(request.identity!),
      ),
    ),
  );
  app.post(
    '/users/:name/role',
    { config: { access: 'admin' } },
    change((request) =>
      setUserRole(store, param(request, 'name'), field(request, 'role') ?? '', actorOf(request.identity!)),
    ),
  );
  app.post(
    '/users/:name/password',
    { config: { access: 'admin' } },
    change((request) =>
      setUserPassword(store, param(request, 'name'), field(request, 'password') ?? '', actorOf(request.identity!)),
    ),
  );
  app.post(
    '/users/:name/remove',
    { config: { access: 'admin' } },
    change((request) => removeUser(store, param(request, 'name'), actorOf(request.identity!))),
  );
}
