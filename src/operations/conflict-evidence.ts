import type { DirectoryUser } from '../domain/directory-user.ts';
import type { DocContact, DocLocation } from '../domain/doc-contact.ts';
import type { Link } from '../domain/link.ts';
import type { DocStore, Psa } from '../domain/ports.ts';
import type { PsaContact, PsaLocation } from '../domain/psa-contact.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { foldName, splitDisplayName } from '../normalize/name.ts';
import { normalizePhone, phoneRegion, storedPhoneKey } from '../normalize/phone.ts';
import { parseProxyAddresses } from '../normalize/proxy-addresses.ts';
import type { ConflictRecord } from '../domain/conflict-record.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { StateStore } from '../store/state-store.ts';
import { presentTargets, type TargetId, type Targets } from '../domain/target-profile.ts';
import { deepLinks, webAppsOf, type DeepLinks, type LinkSettings } from './deep-links.ts';
import { shortId } from './attention.ts';

/**
 * What a technician needs to decide a dispute without opening another tool: the Microsoft 365 user and each
 * candidate with its emails, phones, title, location, dates and links, every field marked as agreeing with the
 * user or not, and the rule that made it a candidate. One view for the Conflicts page, the REST API and the CLI.
 */

type Verdict = 'same' | 'differs' | 'missing';

interface FieldEvidence {
  readonly field: 'Name' | 'Email' | 'Phone' | 'Title' | 'Location';
  /** the Microsoft 365 user's value */
  readonly user: string | null;
  readonly candidate: string | null;
  readonly verdict: Verdict;
}

export interface CandidateEvidence {
  readonly id: string;
  /** the id of the target the contact is in */
  readonly system: TargetId;
  readonly name: string;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly title: string | null;
  readonly location: string | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  /** the PSA's contacts only: active or inactive */
  readonly active: boolean | null;
  /** the contact's page in the target's web app */
  readonly link: string | null;
  /**
   * the PSA contact it is tied to (by contactsync's link or the documentation platform's own PSA sync), with its
   * page; `by` is "contactsync" or "<documentation platform> PSA sync"
   */
  readonly psa: {
    readonly id: number;
    readonly link: string | null;
    readonly by: string;
  } | null;
  /** the Microsoft 365 user already linked to it, when another one is */
  readonly linkedTo: string | null;
  /** another Microsoft 365 user's object id (and tenant) the PSA contact holds, in a PSA that keeps one */
  readonly otherUser: { readonly objectId: string; readonly tenantId: string | null } | null;
  readonly fields: readonly FieldEvidence[];
  /** why it could not be read, instead of its fields */
  readonly unreadable: string | null;
}

export interface ConflictEvidence {
  readonly id: string;
  readonly shortId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  /** the id of the target the candidates are in */
  readonly side: TargetId;
  readonly rule: string | null;
  /** why these are candidates, in words */
  readonly why: string;
  readonly since: string;
  readonly user: {
    readonly id: string;
    readonly userPrincipalName: string;
    readonly name: string;
    readonly emails: readonly string[];
    readonly phones: readonly string[];
    readonly title: string | null;
    readonly location: string | null;
    readonly link: string;
  };
  readonly candidates: readonly CandidateEvidence[];
}

const RULE_WORDS: Readonly<Record<string, string>> = {
  link: 'the user was already linked to this contact',
  alias: "an address of the user's mailbox (the primary, an alias or mail) is an email of the contact",
  username: "the user's sign-in name (UPN) is an email of the contact",
  name: 'first and last name are the same (case, accents and spaces aside)',
};

function whyOf(conflict: ConflictRecord, candidates: readonly CandidateEvidence[], targets: Targets): string {
  if (conflict.side === targets.psa?.id) {
    const { name, customer } = targets.psa.words;
    const held = candidates.length === 1 ? candidates[0]!.otherUser : null;
    if (held !== null) {
      const tenant =
        held.tenantId !== null && held.tenantId !== conflict.tenantId ? `, of tenant ${held.tenantId}` : '';
      return `${name} contact ${candidates[0]!.id} has the user's email (or the same first and last name), but holds the Microsoft 365 object id of another user (${held.objectId}${tenant}): it may be that person's, so contactsync does not take it over. Link to it if it is this user's (its object id is then replaced), or create a new contact.`;
    }
    return candidates.length === 1
      ? `This contact of the customer's ${name} ${customer} has the user's email (or, without one, the same first and last name), but another user claims it too.`
      : `${candidates.length} contacts of the customer's ${name} ${customer} have the user's email (or, without one, the same first and last name): contactsync links to exactly one and does not guess between them.`;
  }
  const rule =
    conflict.rule === null
      ? 'a matching rule'
      : `rule "${conflict.rule}": ${RULE_WORDS[conflict.rule] ?? conflict.rule}`;
  return candidates.length === 1
    ? `By ${rule}, this contact fits the user, but another user claims it too.`
    : `By ${rule}, ${candidates.length} contacts fit the user equally well.`;
}

/** A phone as the evidence shows it: in E.164 where it parses, else as written. */
function e164Of(phone: string, region: string): string {
  const parsed = normalizePhone(phone, region);
  return parsed?.ok === true ? parsed.phone.e164 : phone;
}

function userEmails(user: DirectoryUser): string[] {
  const mailbox = parseProxyAddresses(user.proxyAddresses);
  return [
    ...new Set(
      [mailbox.primary, ...mailbox.aliases, normalizeEmail(user.mail), normalizeEmail(user.userPrincipalName)].filter(
        (e): e is string => e !== null,
      ),
    ),
  ];
}

function userName(user: DirectoryUser): string {
  const split = splitDisplayName(user.displayName);
  return [user.givenName ?? split.firstName, user.surname ?? split.lastName].filter(Boolean).join(' ');
}

/** Compares one field: the same (ignoring case, spacing, formatting), different, or missing on one side. */
function verdict(user: readonly string[], candidate: readonly string[], key: (v: string) => string): Verdict {
  if (user.length === 0 || candidate.length === 0) return 'missing';
  const mine = new Set(user.map(key));
  return candidate.some((c) => mine.has(key(c))) ? 'same' : 'differs';
}

/** A value as a list of one, or none when it is blank. */
function present(value: string | null): string[] {
  return value === null || value.trim() === '' ? [] : [value];
}

function fieldsOf(
  user: ConflictEvidence['user'],
  candidate: Pick<CandidateEvidence, 'name' | 'emails' | 'phones' | 'title' | 'location'>,
  region: string,
): FieldEvidence[] {
  const phoneKey = (v: string) => storedPhoneKey(v.replace(/\D/g, ''), region);
  const row = (
    field: FieldEvidence['field'],
    mine: readonly string[],
    theirs: readonly string[],
    key: (v: string) => string,
  ): FieldEvidence => ({
    field,
    user: mine.length === 0 ? null : mine.join(', '),
    candidate: theirs.length === 0 ? null : theirs.join(', '),
    verdict: verdict(mine, theirs, key),
  });
  return [
    row('Name', present(user.name), present(candidate.name), foldName),
    row('Email', user.emails, candidate.emails, (v) => normalizeEmail(v) ?? v.toLowerCase()),
    row('Phone', user.phones, candidate.phones, phoneKey),
    row('Title', present(user.title), present(candidate.title), foldName),
    row('Location', present(user.location), present(candidate.location), foldName),
  ];
}

export interface EvidenceReaders {
  readonly doc: Pick<DocStore, 'readContact' | 'listLocations'> | null;
  readonly psa: Pick<Psa, 'readContact' | 'listLocations'> | null;
}

/** The evidence of open conflicts (one tenant's, or all), candidates read now from the targets. */
export async function conflictEvidence(
  store: StateStore,
  readers: EvidenceReaders | null,
  conflicts: readonly ConflictRecord[],
  targets: Targets,
  linkSettings: LinkSettings = webAppsOf(targets),
): Promise<ConflictEvidence[]> {
  const link = (ids: Partial<Parameters<typeof deepLinks>[0]> & { tenantId: string; userId: string }) =>
    deepLinks({ docCustomerId: null, docContactId: null, psaContactId: null, ...ids }, linkSettings);
  const tenants = new Map((await store.listTenants()).map((t) => [t.id, t]));
  const docLocations = new Map<string, Promise<readonly DocLocation[]>>();
  const psaLocations = new Map<number, Promise<readonly PsaLocation[]>>();
  const users = new Map<string, Map<string, DirectoryUser>>();
  const links = new Map<string, readonly Link[]>();
  const out: ConflictEvidence[] = [];
  for (const conflict of conflicts) {
    const tenant = tenants.get(conflict.tenantId);
    if (tenant === undefined) continue;
    if (!users.has(tenant.id)) users.set(tenant.id, new Map((await store.loadUsers(tenant.id)).map((u) => [u.id, u])));
    if (!links.has(tenant.id)) links.set(tenant.id, await store.listLinks(tenant.id));
    const directory = users.get(tenant.id)!.get(conflict.userId);
    const region = phoneRegion(directory?.usageLocation) ?? phoneRegion(directory?.country) ?? 'US';
    const user: ConflictEvidence['user'] = {
      id: conflict.userId,
      userPrincipalName: conflict.userPrincipalName,
      name: directory === undefined ? '' : userName(directory),
      emails: directory === undefined ? [] : userEmails(directory),
      phones:
        directory === undefined
          ? []
          : [...directory.businessPhones, directory.mobilePhone]
              .filter((p): p is string => p !== null && p !== '')
              .map((p) => e164Of(p, region)),
      title: directory?.jobTitle ?? null,
      location: directory?.officeLocation ?? null,
      link: link({ tenantId: tenant.id, userId: conflict.userId }).microsoft,
    };
    const candidates = await Promise.all(
      conflict.candidates.map((id) =>
        candidateOf(readers, targets, tenant, conflict.side, id, user, region, {
          links: links.get(tenant.id)!,
          users: users.get(tenant.id)!,
          docLocations,
          psaLocations,
          link,
        }),
      ),
    );
    out.push({
      id: conflict.id,
      shortId: shortId(conflict.id),
      tenantId: tenant.id,
      tenantName: tenant.displayName,
      side: conflict.side,
      rule: conflict.rule,
      why: whyOf(conflict, candidates, targets),
      since: conflict.createdAt,
      user,
      candidates,
    });
  }
  return out;
}

/** What the evidence of one tenant's candidates shares: its links and users, and the locations read once. */
interface Known {
  readonly links: readonly Link[];
  readonly users: ReadonlyMap<string, DirectoryUser>;
  readonly docLocations: Map<string, Promise<readonly DocLocation[]>>;
  readonly psaLocations: Map<number, Promise<readonly PsaLocation[]>>;
  readonly link: (ids: {
    tenantId: string;
    userId: string;
    docCustomerId?: string | null;
    docContactId?: string | null;
    psaContactId?: number | null;
  }) => DeepLinks;
}

async function candidateOf(
  readers: EvidenceReaders | null,
  targets: Targets,
  tenant: TenantRecord,
  side: TargetId,
  id: string,
  user: ConflictEvidence['user'],
  region: string,
  known: Known,
): Promise<CandidateEvidence> {
  const { docLocations, psaLocations } = known;
  const onPsa = side === targets.psa?.id;
  const holder = known.links.find((l) => (onPsa ? String(l.psaContactId) === id : l.docContactId === id));
  const linkedTo =
    holder === undefined || holder.userId === user.id
      ? null
      : (known.users.get(holder.userId)?.userPrincipalName ?? holder.userId);
  const blank: CandidateEvidence = {
    id,
    system: side,
    name: '',
    emails: [],
    phones: [],
    title: null,
    location: null,
    createdAt: null,
    updatedAt: null,
    active: null,
    link: null,
    psa: null,
    linkedTo,
    otherUser: null,
    fields: [],
    unreadable: null,
  };
  if (readers === null)
    return {
      ...blank,
      unreadable: `${presentTargets(targets)
        .map((target) => target.words.name)
        .join(' and ')} cannot be read here (no credentials in this process).`,
    };
  try {
    if (!onPsa) {
      const contact: DocContact | null = readers.doc === null ? null : await readers.doc.readContact(id);
      if (contact === null) return { ...blank, unreadable: `no longer in ${targets.doc?.words.name ?? side}` };
      let locations = docLocations.get(contact.organizationId);
      if (locations === undefined && readers.doc !== null) {
        locations = readers.doc.listLocations(contact.organizationId);
        docLocations.set(contact.organizationId, locations);
      }
      const location =
        (await (locations ?? Promise.resolve([]))).find((l) => l.id === contact.locationId)?.name ?? null;
      const psaId = contact.mirroredPsaContactId ?? holder?.psaContactId ?? null;
      const shown = {
        name: [contact.firstName, contact.lastName].filter(Boolean).join(' '),
        emails: contact.emails.map((e) => e.value),
        phones: contact.phones.map((p) => storedPhoneKey(p.value, region)),
        title: contact.title,
        location,
      };
      return {
        ...blank,
        ...shown,
        createdAt: contact.createdAt ?? null,
        updatedAt: contact.updatedAt ?? null,
        link: known.link({
          tenantId: tenant.id,
          userId: user.id,
          docCustomerId: tenant.docCustomerId,
          docContactId: contact.id,
        }).doc,
        psa:
          psaId === null
            ? null
            : {
                id: psaId,
                link: known.link({ tenantId: tenant.id, userId: user.id, psaContactId: psaId }).psa,
                by: contact.mirroredPsaContactId === null ? 'contactsync' : `${targets.doc?.words.name} PSA sync`,
              },
        fields: fieldsOf(user, shown, region),
      };
    }
    const contact: PsaContact | null = readers.psa === null ? null : await readers.psa.readContact(Number(id));
    if (contact === null) return { ...blank, unreadable: `no longer in ${targets.psa?.words.name}` };
    let locations = psaLocations.get(contact.accountId);
    if (locations === undefined && readers.psa !== null) {
      locations = readers.psa.listLocations(contact.accountId);
      psaLocations.set(contact.accountId, locations);
    }
    const shown = {
      name: [contact.firstName, contact.lastName].filter(Boolean).join(' '),
      // Every address the PSA holds for the person is matched on (its other emails too), and both phones shown.
      emails: [contact.emailAddress, ...contact.otherEmails].filter((e): e is string => e !== null && e !== ''),
      phones: [contact.phoneNumber, contact.mobilePhone]
        .filter((p): p is string => p !== null && p !== '')
        .map((p) => e164Of(p, region)),
      title: contact.jobTitle,
      location: (await (locations ?? Promise.resolve([]))).find((l) => l.id === contact.locationId)?.name ?? null,
    };
    return {
      ...blank,
      ...shown,
      active: contact.isActive,
      otherUser:
        contact.directoryId && contact.directoryId.toLowerCase() !== user.id.toLowerCase()
          ? { objectId: contact.directoryId, tenantId: contact.directoryTenantId ?? null }
          : null,
      link: known.link({ tenantId: tenant.id, userId: user.id, psaContactId: contact.id }).psa,
      fields: fieldsOf(user, shown, region),
    };
  } catch (error) {
    return { ...blank, unreadable: `could not be read: ${(error as Error).message}` };
  }
}
