import type { DirectoryUser } from '../domain/directory-user.ts';
import type { NormalizedPhone, NormalizedUser } from '../domain/normalized-user.ts';
import { reason, type Reason } from '../domain/reason.ts';
import { normalizeEmail } from './email.ts';
import { normalizeName, personNameKey, splitDisplayName } from './name.ts';
import { normalizePhone, phoneRegion } from './phone.ts';
import { parseProxyAddresses } from './proxy-addresses.ts';

interface NormalizeOptions {
  readonly splitDisplayName: boolean;
  /** the tenant's phone region, used when the user has neither `usageLocation` nor a `country` code */
  readonly defaultRegion: string;
}

function phoneOf(
  raw: string | null | undefined,
  region: string,
  field: string,
  issues: Reason[],
): NormalizedPhone | null {
  const result = normalizePhone(raw, region);
  if (result === null) return null;
  if (result.ok) return result.phone;
  issues.push(reason('invalid-phone', `${field}: ${result.message}; it is not written.`, field));
  return null;
}

/** The normalize stage for one user: names, addresses and phones in the forms the matcher and planner compare. */
export function normalizeDirectoryUser(user: DirectoryUser, options: NormalizeOptions): NormalizedUser {
  const issues: Reason[] = [];

  let firstName = normalizeName(user.givenName);
  let lastName = normalizeName(user.surname);
  if (options.splitDisplayName && (firstName === null || lastName === null)) {
    const split = splitDisplayName(user.displayName);
    if (firstName === null && lastName === null) {
      firstName = split.firstName;
      lastName = split.lastName;
    } else if (firstName === null && split.lastName !== null && lastName !== null && split.lastName === lastName) {
      firstName = split.firstName;
    } else if (lastName === null && firstName !== null && split.firstName === firstName) {
      lastName = split.lastName;
    }
  }

  const proxies = parseProxyAddresses(user.proxyAddresses);
  for (const entry of proxies.invalid) {
    issues.push(
      reason(
        'invalid-email',
        `proxyAddresses: "${entry}" is not a valid address; it is not written.`,
        'proxyAddresses',
      ),
    );
  }
  const mail = normalizeEmail(user.mail);
  if (mail === null && user.mail !== null && user.mail.trim() !== '') {
    issues.push(reason('invalid-email', `mail: "${user.mail}" is not a valid address; it is not written.`, 'mail'));
  }
  const primarySmtp = proxies.primary ?? mail;
  const mailbox = new Set<string>();
  if (primarySmtp !== null) mailbox.add(primarySmtp);
  for (const alias of proxies.aliases) mailbox.add(alias);
  if (mail !== null) mailbox.add(mail);

  const upn = normalizeEmail(user.userPrincipalName) ?? user.userPrincipalName.trim().toLowerCase();

  const region = phoneRegion(user.usageLocation) ?? phoneRegion(user.country) ?? options.defaultRegion;
  const officePhone = phoneOf(user.businessPhones[0], region, 'businessPhones', issues);
  const mobilePhone = phoneOf(user.mobilePhone, region, 'mobilePhone', issues);

  return {
    id: user.id,
    source: user,
    userPrincipalName: upn,
    firstName,
    lastName,
    nameKey: personNameKey(firstName, lastName),
    title: normalizeName(user.jobTitle),
    officeLocation: normalizeName(user.officeLocation),
    primarySmtp,
    mailboxAddresses: [...mailbox],
    officePhone,
    mobilePhone,
    phoneRegion: region,
    issues,
  };
}
