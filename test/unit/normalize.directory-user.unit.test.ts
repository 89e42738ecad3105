import { describe, expect, it } from 'vitest';
import { normalizeDirectoryUser } from '../../src/normalize/directory-user.ts';
import { graphUser } from '../support/builders.ts';

const options = { splitDisplayName: true, defaultRegion: 'US' };

describe('normalizeDirectoryUser', () => {
  it('collects every mailbox address but not otherMails', () => {
    const user = normalizeDirectoryUser(
      graphUser('1', {
        mail: 'Bob@contoso.com',
        proxyAddresses: ['SMTP:bob@contoso.com', 'smtp:robert@contoso.com', 'SIP:bob@contoso.com'],
        otherMails: ['bob.home@gmail.com'],
      }),
      options,
    );
    expect(user.primarySmtp).toBe('bob@contoso.com');
    expect([...user.mailboxAddresses].sort()).toEqual(['bob@contoso.com', 'robert@contoso.com']);
  });

  it('falls back to mail when there is no SMTP: address', () => {
    const user = normalizeDirectoryUser(graphUser('1', { mail: 'Ann@Contoso.com', proxyAddresses: [] }), options);
    expect(user.primarySmtp).toBe('ann@contoso.com');
  });

  it('reads phones in the usage location, then the country code, then the tenant region', () => {
    const gb = normalizeDirectoryUser(
      graphUser('1', { businessPhones: ['020 7946 0958'], usageLocation: 'GB' }),
      options,
    );
    expect(gb.officePhone?.e164).toBe('+442079460958');
    const de = normalizeDirectoryUser(
      graphUser('2', { businessPhones: ['030 901820'], usageLocation: null, country: 'DE' }),
      options,
    );
    expect(de.officePhone?.e164).toBe('+4930901820');
    const au = normalizeDirectoryUser(
      graphUser('3', { businessPhones: ['(02) 9374 4000'], usageLocation: null, country: 'Australia' }),
      {
        ...options,
        defaultRegion: 'AU',
      },
    );
    expect(au.officePhone?.e164).toBe('+61293744000');
  });

  it('reports an invalid phone with the field, and keeps the rest', () => {
    const user = normalizeDirectoryUser(
      graphUser('1', { businessPhones: ['12'], mobilePhone: '+1 415 555 2671' }),
      options,
    );
    expect(user.officePhone).toBeNull();
    expect(user.mobilePhone?.e164).toBe('+14155552671');
    expect(user.issues).toEqual([expect.objectContaining({ code: 'invalid-phone', field: 'businessPhones' })]);
  });

  it('splits the display name when given name and surname are missing, as a setting', () => {
    const raw = graphUser('1', { givenName: null, surname: null, displayName: 'Jane Q. Public' });
    expect(normalizeDirectoryUser(raw, options)).toMatchObject({ firstName: 'Jane Q.', lastName: 'Public' });
    expect(normalizeDirectoryUser(raw, { ...options, splitDisplayName: false })).toMatchObject({
      firstName: null,
      lastName: null,
    });
  });
});
