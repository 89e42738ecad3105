import type { DirectoryUser } from '../domain/directory-user.ts';
import type { DocContact, DocPhone } from '../domain/doc-contact.ts';
import { psaFactsOf, type TargetProfile } from '../domain/target-profile.ts';
import type { Link, OperatorDecision } from '../domain/link.ts';
import type { PsaContact } from '../domain/psa-contact.ts';
import { deepLinks, webAppsOf, type DeepLinks } from '../operations/deep-links.ts';
import { personOf } from '../operations/contact-decisions.ts';
import { withoutControlCharacters } from '../normalize/control-characters.ts';
import { parseProxyAddresses } from '../normalize/proxy-addresses.ts';
import { splitDisplayName } from '../normalize/name.ts';
import type { ConflictRecord } from '../domain/conflict-record.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { HistoryEntry } from '../domain/user-result.ts';
import { liveReadsOf, type ReadOptions } from './live-reads.ts';
import type { WebServices } from './web-context.ts';

/** One field of the person as each system holds it; `differs` when the systems that have a value disagree. */
export interface ContactRow {
  readonly field: string;
  readonly microsoft: string | null;
  readonly doc: string | null;
  readonly psa: string | null;
  readonly differs: boolean;
}

export interface ContactView {
  readonly tenant: TenantRecord;
  readonly user: DirectoryUser;
  readonly link: Link | null;
  readonly docContact: DocContact | null;
  readonly psaContact: PsaContact | null;
  /** why a system could not be read (its API failed, or no credentials), shown instead of its column */
  readonly unreadable: { readonly doc: string | null; readonly psa: string | null };
  readonly rows: readonly ContactRow[];
  readonly links: DeepLinks;
  readonly history: readonly HistoryEntry[];
  /** the operator's standing decisions about the person (left out, or created anew) */
  readonly decisions: readonly (OperatorDecision & { readonly at: string })[];
  /** the open dispute about the person in each target, whose decision the person's contact there waits for */
  readonly waiting: { readonly doc: ConflictRecord | null; readonly psa: ConflictRecord | null };
}

/** The row of the mobile phone, for a PSA with a field for each kind of phone. */
const MOBILE = 'Mobile phone';

// Compared as shown: a control character (a terminal escape in a job title) is invisible on the page and dropped
// when written, so it alone never makes the systems "differ".
function comparable(field: string, value: string | null): string | null {
  const text = value === null ? '' : withoutControlCharacters(value).trim();
  if (text === '') return null;
  if (field === 'Phone' || field === MOBILE) return text.replace(/\D/g, '').slice(-9);
  return text.toLowerCase();
}

function row(field: string, microsoft: string | null, doc: string | null, psa: string | null): ContactRow {
  const values = [microsoft, doc, psa].map((v) => comparable(field, v)).filter((v): v is string => v !== null);
  return { field, microsoft, doc, psa, differs: new Set(values).size > 1 };
}

/**
 * The Microsoft 365 object id a PSA that keeps one (`PsaFacts.directoryId`) holds on the contact, beside the user's,
 * named as the PSA names the field; no row when the contact holds none.
 */
function directoryIdRow(psa: TargetProfile | null, user: DirectoryUser, contact: PsaContact | null): ContactRow[] {
  const held = contact?.directoryId ?? null;
  if (psa === null || psaFactsOf(psa).directoryId !== true || held === null || held.trim() === '') return [];
  return [row(psa.fieldLabels['directoryId'] ?? 'Microsoft 365 object id', user.id, null, held)];
}

/** A documentation platform's phone labelled as a mobile one. */
function isMobile(phone: DocPhone): boolean {
  return /mobile|cell/i.test(phone.label);
}

function shownPhone(phone: DocPhone | undefined): string | null {
  return phone === undefined ? null : `${phone.value}${phone.extension ? ` x${phone.extension}` : ''}`;
}

function primaryEmailOf(user: DirectoryUser): string {
  return parseProxyAddresses(user.proxyAddresses).primary ?? user.mail ?? user.userPrincipalName;
}

/** The linked contacts as the targets hold them now, with their places' names, or why they could not be read. */
interface LinkedContacts {
  readonly docContact: DocContact | null;
  readonly psaContact: PsaContact | null;
  readonly docPlace: string | null;
  readonly psaPlace: string | null;
  readonly unreadable: ContactView['unreadable'];
}

async function linkedContacts(services: WebServices, tenant: TenantRecord, link: Link | null): Promise<LinkedContacts> {
  const { doc, psa } = services.targets;
  const unreadable = { doc: null as string | null, psa: null as string | null };
  let docContact: DocContact | null = null;
  let psaContact: PsaContact | null = null;
  let docPlace: string | null = null;
  let psaPlace: string | null = null;
  let apis: ReturnType<WebServices['apis']> | null = null;
  try {
    apis = services.apis();
  } catch (error) {
    unreadable.doc = unreadable.psa = (error as Error).message;
  }
  const docReader = apis?.doc ?? null;
  if (apis !== null && link !== null) {
    // A link to the PSA alone (the documentation platform held the person) names no documentation contact.
    if (doc !== null && docReader !== null && link.docContactId !== null && link.docContactId !== '') {
      try {
        docContact = await docReader.readContact(link.docContactId);
        if (docContact === null) unreadable.doc = `${doc.words.name} has no contact ${link.docContactId} any more.`;
        else if (docContact.locationId !== null && tenant.docCustomerId !== null) {
          docPlace =
            (await docReader.listLocations(tenant.docCustomerId)).find((l) => l.id === docContact!.locationId)?.name ??
            docContact.locationId;
        }
      } catch (error) {
        unreadable.doc = `${doc.words.name} could not be read: ${(error as Error).message}`;
      }
    }
    if (psa !== null && link.psaContactId !== null && apis.psa !== null) {
      try {
        psaContact = await apis.psa.readContact(link.psaContactId);
        if (psaContact === null) unreadable.psa = `${psa.words.name} has no contact ${link.psaContactId} any more.`;
        else if (psaContact.locationId !== null)
          psaPlace =
            (await apis.psa.listLocations(psaContact.accountId)).find((l) => l.id === psaContact!.locationId)?.name ??
            String(psaContact.locationId);
      } catch (error) {
        unreadable.psa = `${psa.words.name} could not be read: ${(error as Error).message}`;
      }
    }
  }
  return { docContact, psaContact, docPlace, psaPlace, unreadable };
}

/**
 * The person as Microsoft 365 (the last read) and each target (read live, shared for a short time with others who
 * ask, see LiveReads) hold them, field by field.
 */
export async function contactView(
  services: WebServices,
  tenantId: string,
  userId: string,
  options: ReadOptions = {},
): Promise<ContactView> {
  const { store } = services;
  const { tenant, user } = await personOf(store, tenantId, userId);
  const link = await store.getLink(tenantId, userId);
  const live =
    link === null
      ? await linkedContacts(services, tenant, null)
      : await liveReadsOf(services).read(
          tenantId,
          `contact:${userId}:${link.docContactId}:${link.psaContactId ?? ''}`,
          () => linkedContacts(services, tenant, link),
          options,
        );
  const { docContact, psaContact, docPlace, psaPlace, unreadable } = live;
  const split = splitDisplayName(user.displayName);
  const docEmail = docContact?.emails.find((e) => e.primary) ?? docContact?.emails[0];
  const docPhone = docContact?.phones.find((p) => p.primary) ?? docContact?.phones[0];
  // A PSA with a field for each kind of phone holds the office phone in one and the mobile in the other: each is
  // compared with its own Microsoft phone, on a row of its own.
  const slots = services.targets.psa !== null && psaFactsOf(services.targets.psa).phoneSlots;
  const docMobile = docContact?.phones.find(isMobile);
  const docOffice = docContact?.phones.filter((p) => !isMobile(p));
  const docOfficePhone = docOffice?.find((p) => p.primary) ?? docOffice?.[0];
  const rows = [
    row('First name', user.givenName ?? split.firstName, docContact?.firstName ?? null, psaContact?.firstName ?? null),
    row('Last name', user.surname ?? split.lastName, docContact?.lastName ?? null, psaContact?.lastName ?? null),
    row('Title', user.jobTitle, docContact?.title ?? null, psaContact?.jobTitle ?? null),
    row('Email', primaryEmailOf(user), docEmail?.value ?? null, psaContact?.emailAddress ?? null),
    row(
      'Phone',
      slots ? (user.businessPhones[0] ?? null) : (user.businessPhones[0] ?? user.mobilePhone),
      shownPhone(slots ? docOfficePhone : docPhone),
      psaContact?.phoneNumber ?? null,
    ),
    ...(slots ? [row(MOBILE, user.mobilePhone, shownPhone(docMobile), psaContact?.mobilePhone ?? null)] : []),
    { ...row('Location', user.officeLocation, docPlace, psaPlace), differs: false },
    {
      field: 'Active',
      microsoft: user.accountEnabled === false ? 'no (sign-in blocked)' : 'yes',
      doc: docContact === null ? null : docContact.archived === true ? 'no (archived)' : 'yes',
      psa: psaContact === null ? null : psaContact.isActive ? 'yes' : 'no (inactive)',
      differs: false,
    },
    ...directoryIdRow(services.targets.psa, user, psaContact),
  ];
  const open = (await store.listConflicts({ tenantId, status: 'open' })).filter((c) => c.userId === userId);
  const waitingIn = (target: TargetProfile | null) => open.find((c) => c.side === target?.id) ?? null;
  return {
    tenant,
    user,
    link,
    docContact,
    psaContact,
    unreadable,
    rows,
    links: deepLinks(
      {
        tenantId,
        userId,
        docCustomerId: tenant.docCustomerId,
        docContactId: link?.docContactId ?? null,
        psaContactId: link?.psaContactId ?? null,
      },
      services.links ?? webAppsOf(services.targets),
    ),
    history: await store.userHistory(tenantId, userId, 20),
    decisions: await store.decisionsOf(tenantId, userId),
    waiting: { doc: waitingIn(services.targets.doc), psa: waitingIn(services.targets.psa) },
  };
}
