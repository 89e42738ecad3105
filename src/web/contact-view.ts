import type { DirectoryUser } from '../domain/directory-user.ts';
import type { DocContact } from '../domain/doc-contact.ts';
import type { Link, OperatorDecision } from '../domain/link.ts';
import type { PsaContact } from '../domain/psa-contact.ts';
import { deepLinks, webAppsOf, type DeepLinks } from '../operations/deep-links.ts';
import { personOf } from '../operations/contact-decisions.ts';
import { withoutControlCharacters } from '../normalize/control-characters.ts';
import { parseProxyAddresses } from '../normalize/proxy-addresses.ts';
import { splitDisplayName } from '../normalize/name.ts';
import type { HistoryEntry, TenantRecord } from '../store/state-store.ts';
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
  readonly itglueContact: DocContact | null;
  readonly bmsContact: PsaContact | null;
  /** why a system could not be read (its API failed, or no credentials), shown instead of its column */
  readonly unreadable: { readonly doc: string | null; readonly psa: string | null };
  readonly rows: readonly ContactRow[];
  readonly links: DeepLinks;
  readonly history: readonly HistoryEntry[];
  /** the operator's standing decisions about the person (left out, or created anew) */
  readonly decisions: readonly (OperatorDecision & { readonly at: string })[];
}

// Compared as shown: a control character (a terminal escape in a job title) is invisible on the page and dropped
// when written, so it alone never makes the systems "differ".
function comparable(field: string, value: string | null): string | null {
  const text = value === null ? '' : withoutControlCharacters(value).trim();
  if (text === '') return null;
  if (field === 'Phone') return text.replace(/\D/g, '').slice(-9);
  return text.toLowerCase();
}

function row(field: string, microsoft: string | null, itglue: string | null, bms: string | null): ContactRow {
  const values = [microsoft, itglue, bms].map((v) => comparable(field, v)).filter((v): v is string => v !== null);
  return { field, microsoft, doc: itglue, psa: bms, differs: new Set(values).size > 1 };
}

function primaryEmailOf(user: DirectoryUser): string {
  return parseProxyAddresses(user.proxyAddresses).primary ?? user.mail ?? user.userPrincipalName;
}

/** The linked contacts as IT Glue and BMS hold them now, with their locations' names, or why they could not be read. */
interface LinkedContacts {
  readonly itglueContact: DocContact | null;
  readonly bmsContact: PsaContact | null;
  readonly itglueLocation: string | null;
  readonly bmsLocation: string | null;
  readonly unreadable: ContactView['unreadable'];
}

async function linkedContacts(services: WebServices, tenant: TenantRecord, link: Link | null): Promise<LinkedContacts> {
  const unreadable = { doc: null as string | null, psa: null as string | null };
  let itglueContact: DocContact | null = null;
  let bmsContact: PsaContact | null = null;
  let itglueLocation: string | null = null;
  let bmsLocation: string | null = null;
  let apis: ReturnType<WebServices['apis']> | null = null;
  try {
    apis = services.apis();
  } catch (error) {
    unreadable.doc = unreadable.psa = (error as Error).message;
  }
  if (apis !== null && link !== null) {
    try {
      itglueContact = await apis.doc.readContact(link.docContactId);
      if (itglueContact === null) unreadable.doc = `IT Glue has no contact ${link.docContactId} any more.`;
      else if (itglueContact.locationId !== null && tenant.docCustomerId !== null) {
        itglueLocation =
          (await apis.doc.listLocations(tenant.docCustomerId)).find((l) => l.id === itglueContact!.locationId)?.name ??
          itglueContact.locationId;
      }
    } catch (error) {
      unreadable.doc = `IT Glue could not be read: ${(error as Error).message}`;
    }
    if (link.psaContactId !== null && apis.psa !== null) {
      try {
        bmsContact = await apis.psa.readContact(link.psaContactId);
        if (bmsContact === null) unreadable.psa = `BMS has no contact ${link.psaContactId} any more.`;
        else if (bmsContact.locationId !== null)
          bmsLocation =
            (await apis.psa.listLocations(bmsContact.accountId)).find((l) => l.id === bmsContact!.locationId)?.name ??
            String(bmsContact.locationId);
      } catch (error) {
        unreadable.psa = `BMS could not be read: ${(error as Error).message}`;
      }
    }
  }
  return { itglueContact, bmsContact, itglueLocation, bmsLocation, unreadable };
}

/**
 * The person as Microsoft 365 (the last read), IT Glue and BMS (read live, shared for a short time with others who
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
  const { itglueContact, bmsContact, itglueLocation, bmsLocation, unreadable } = live;
  const split = splitDisplayName(user.displayName);
  const docEmail = itglueContact?.emails.find((e) => e.primary) ?? itglueContact?.emails[0];
  const docPhone = itglueContact?.phones.find((p) => p.primary) ?? itglueContact?.phones[0];
  const rows = [
    row(
      'First name',
      user.givenName ?? split.firstName,
      itglueContact?.firstName ?? null,
      bmsContact?.firstName ?? null,
    ),
    row('Last name', user.surname ?? split.lastName, itglueContact?.lastName ?? null, bmsContact?.lastName ?? null),
    row('Title', user.jobTitle, itglueContact?.title ?? null, bmsContact?.jobTitle ?? null),
    row('Email', primaryEmailOf(user), docEmail?.value ?? null, bmsContact?.emailAddress ?? null),
    row(
      'Phone',
      user.businessPhones[0] ?? user.mobilePhone,
      docPhone === undefined ? null : `${docPhone.value}${docPhone.extension ? ` x${docPhone.extension}` : ''}`,
      bmsContact?.phoneNumber ?? null,
    ),
    { ...row('Location', user.officeLocation, itglueLocation, bmsLocation), differs: false },
    {
      field: 'Active',
      microsoft: user.accountEnabled === false ? 'no (sign-in blocked)' : 'yes',
      doc: itglueContact === null ? null : 'yes',
      psa: bmsContact === null ? null : bmsContact.isActive ? 'yes' : 'no (inactive)',
      differs: false,
    },
  ];
  return {
    tenant,
    user,
    link,
    itglueContact,
    bmsContact,
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
  };
}
