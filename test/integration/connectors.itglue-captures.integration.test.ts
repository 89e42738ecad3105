import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ItGlueDocStore } from '../../src/connectors/itglue/itglue-doc-store.ts';
import { CAPTURES, readCaptures, replay } from '../support/capture-replay.ts';

let server: Server | null = null;
afterEach(async () => {
  const running = server;
  server = null;
  if (running !== null) await new Promise((resolve) => running.close(resolve));
});

async function itglueOver(folder: string): Promise<{ itglue: ItGlueDocStore; asked: string[] }> {
  const replayed = await replay(readCaptures(join(CAPTURES, 'itglue', folder)));
  server = replayed.server;
  return { itglue: new ItGlueDocStore({ apiKey: 'ITG.capture', baseUrl: replayed.url }), asked: replayed.asked };
}

describe("ItGlueDocStore reads the captures of IT Glue's documented examples", () => {
  it('reads organizations, locations and contact types', async () => {
    const { itglue } = await itglueOver('documented');
    expect(await itglue.listOrganizations()).toEqual([
      { id: '2', name: '<name>' },
      { id: '6', name: '<name>' },
    ]);
    expect(await itglue.listLocations('2')).toEqual([
      { id: '795', name: '<name>', primary: true },
      { id: '796', name: '<name>', primary: false },
    ]);
    expect((await itglue.listContactTypes()).map((t) => t.id)).toEqual(['24', '25', '26']);
  });

  it('reads the contacts of an organization in one request, though the documented answer carries no meta', async () => {
    const { itglue, asked } = await itglueOver('documented');
    const contacts = await itglue.listContacts('2');
    expect(asked).toEqual(['GET /contacts']);
    expect(contacts).toEqual([
      {
        id: '72',
        organizationId: '2',
        firstName: '<name>',
        lastName: '<name>',
        title: '<text>',
        contactTypeId: '24',
        locationId: null,
        important: false,
        notes: null,
        mirroredPsaContactId: null,
        // The documented example's dates, kept for the evidence a person decides a conflict from.
        createdAt: '2016-09-12T19:10:26.000Z',
        updatedAt: '2016-09-12T19:10:26.000Z',
        emails: [{ value: '<email>', primary: true, label: 'Work' }],
        phones: [
          { value: '', extension: null, primary: true, label: 'Work' },
          { value: '', extension: null, primary: false, label: 'Cell' },
        ],
      },
      expect.objectContaining({
        id: '73',
        important: true,
        emails: [
          { value: '<email>', primary: true, label: 'Work' },
          { value: '<email>', primary: false, label: 'Home' },
        ],
      }),
    ]);
  });

  it('reads one contact with its relationships and included records beside its attributes', async () => {
    const { itglue } = await itglueOver('documented');
    expect(await itglue.readContact('72')).toMatchObject({ id: '72', organizationId: '2', contactTypeId: '24' });
  });
});
