import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/config/passwords.ts';
import { buildWebApp } from '../../src/web/web-app.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { Browser, PASSWORD, stateOnlyServices, textOf } from '../support/web.ts';

const NEW_PASSWORD = 'a brand new passphrase';

for (const dialect of DATABASES) {
  describe(`the Users page on ${dialect}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    beforeAll(async () => {
      database = await openTestDatabase(dialect);
      await database.store.addUser('admin', await hashPassword(PASSWORD), 'admin');
      await database.store.addUser('viewer', await hashPassword(PASSWORD), 'viewer');
      app = await buildWebApp({ services: stateOnlyServices(database.store), loginAttempts: 1000 });
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await database?.dispose();
    });

    const signedIn = async (name: string, password = PASSWORD) => {
      const browser = new Browser(app);
      expect((await browser.login(name, password)).statusCode, `${name} signs in`).toBe(303);
      return browser;
    };
    const notice = (body: string) =>
      textOf(/<div class="notice [^"]+" role="status">([\s\S]*?)<\/div>/.exec(body)?.[1] ?? '');
    const audited = async () => (await database.store.listAudit(1))[0];

    it('is for admins: a viewer neither sees it in the menu nor opens it', async () => {
      const viewer = await signedIn('viewer');
      expect((await viewer.get('/')).body).not.toContain('href="/users"');
      expect((await viewer.get('/users')).statusCode).toBe(403);
      const admin = await signedIn('admin');
      const page = await admin.get('/users');
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/href="\/users"\s+aria-current="page"/);
      expect([...page.body.matchAll(/<section class="card" data-user="([^"]+)"/g)].map((m) => m[1])).toEqual([
        'admin',
        'viewer',
      ]);
    });

    it('adds a login that can sign in, and audits it', async () => {
      const admin = await signedIn('admin');
      await admin.get('/users');
      const added = await admin.post('/users', { username: 'tech', role: 'viewer', password: NEW_PASSWORD });
      expect(added.headers.location).toBe('/users');
      expect(notice((await admin.get('/users')).body)).toBe('Added tech (viewer).');
      expect(await audited()).toMatchObject({ actor: 'web:admin', action: 'user.add', target: 'tech' });
      await signedIn('tech', NEW_PASSWORD);
      await admin.post('/users', { username: 'x', role: 'viewer', password: 'short' });
      expect(notice((await admin.get('/users')).body)).toBe('A user name is 2 to 64 letters, digits or . _ @ -.');
      await admin.post('/users', { username: 'tech2', role: 'viewer', password: 'short' });
      expect(notice((await admin.get('/users')).body)).toBe('The password must have at least 12 characters.');
      await admin.post('/users', { username: 'tech', role: 'viewer', password: NEW_PASSWORD });
      expect(notice((await admin.get('/users')).body)).toBe('There is a user tech already.');
    });

    it('changes a role and ends the sessions of the one it changes', async () => {
      const tech = await signedIn('tech', NEW_PASSWORD);
      expect((await tech.get('/')).statusCode).toBe(200);
      const admin = await signedIn('admin');
      await admin.get('/users');
      await admin.post('/users/tech/role', { role: 'admin' });
      expect(notice((await admin.get('/users')).body)).toBe('tech is now an admin; their sessions have ended.');
      expect(await audited()).toMatchObject({
        actor: 'web:admin',
        action: 'user.role',
        target: 'tech',
        details: { role: 'admin' },
      });
      expect((await tech.get('/')).headers.location).toBe('/login?next=%2F');
      const again = await signedIn('tech', NEW_PASSWORD);
      expect((await again.get('/users')).statusCode).toBe(200);
    });

    it('sets a password: the old one no longer works, and sessions end', async () => {
      const viewer = await signedIn('viewer');
      const admin = await signedIn('admin');
      await admin.get('/users');
      await admin.post('/users/viewer/password', { password: NEW_PASSWORD });
      expect(notice((await admin.get('/users')).body)).toBe(
        'Set a new password for viewer; their sessions have ended.',
      );
      expect(await audited()).toMatchObject({ action: 'user.passwd', target: 'viewer', details: {} });
      expect(JSON.stringify(await database.store.listAudit(5))).not.toContain(NEW_PASSWORD);
      expect((await viewer.get('/')).statusCode).toBe(303);
      expect((await new Browser(app).login('viewer', PASSWORD)).statusCode).toBe(401);
      await signedIn('viewer', NEW_PASSWORD);
    });

    it('removes a login: it can no longer sign in, and its sessions end', async () => {
      const viewer = await signedIn('viewer', NEW_PASSWORD);
      const admin = await signedIn('admin');
      await admin.get('/users');
      await admin.post('/users/viewer/remove');
      expect(notice((await admin.get('/users')).body)).toBe('Removed viewer; their sessions have ended.');
      expect(await audited()).toMatchObject({ actor: 'web:admin', action: 'user.remove', target: 'viewer' });
      expect((await viewer.get('/')).statusCode).toBe(303);
      expect((await new Browser(app).login('viewer', NEW_PASSWORD)).statusCode).toBe(401);
      await admin.post('/users/nobody/remove');
      expect(notice((await admin.get('/users')).body)).toBe(
        'There is no user nobody (contactsync user list shows them).',
      );
    });

    it('never removes or demotes the last admin', async () => {
      const admin = await signedIn('admin');
      await admin.get('/users');
      await admin.post('/users/tech/role', { role: 'viewer' });
      const before = (await database.store.listAudit(1000)).length;
      await admin.post('/users/admin/remove');
      expect(notice((await admin.get('/users')).body)).toBe(
        'admin is the last admin: removing them would leave no one able to change anything. Make another user admin first.',
      );
      await admin.post('/users/admin/role', { role: 'viewer' });
      expect(notice((await admin.get('/users')).body)).toMatch(/^admin is the last admin: making them a viewer/);
      expect((await database.store.getUser('admin'))?.role).toBe('admin');
      expect((await database.store.listAudit(1000)).length).toBe(before);
      // Still signed in: a refused change ends no session.
      expect((await admin.get('/users')).statusCode).toBe(200);
    });

    it('lets only one of two admins demoting each other at the same moment go through', async () => {
      await database.store.addUser('ann', await hashPassword(PASSWORD), 'admin');
      await database.store.changeUser('admin', { kind: 'role', role: 'viewer' });
      await database.store.changeUser('tech', { kind: 'role', role: 'admin' });
      const outcomes = await Promise.all([
        database.store.changeUser('ann', { kind: 'role', role: 'viewer' }),
        database.store.changeUser('tech', { kind: 'remove' }),
      ]);
      expect(outcomes.toSorted()).toEqual(['done', 'last-admin']);
      expect((await database.store.listUsers()).filter((u) => u.role === 'admin')).toHaveLength(1);
    });
  });
}
