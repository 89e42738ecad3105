import type { DocContact, DocLocation } from '../domain/doc-contact.ts';
import type { DocRequiredField } from '../domain/doc-required-field.ts';
import type { Link } from '../domain/link.ts';
import type { PsaContact, PsaLocation, PsaType } from '../domain/psa-contact.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import type { TargetId, Targets } from '../domain/target-profile.ts';
import { foldName } from '../normalize/name.ts';
import { normalizePhone, regionCallingCode } from '../normalize/phone.ts';
import { docPhoneValue } from './doc-phones.ts';
import type { DocFieldContext, ReplacementPhone } from './doc-fields.ts';
import { requiredOf, type PsaFieldContext } from './psa-fields.ts';
import type { TenantSyncInput } from './tenant-sync-input.ts';

/** What an operator chose for a user on one target's side (`create` or `ignore`), or null. */
export type Decided = (userId: string, side: TargetId) => 'create' | 'ignore' | null;

/** What the stages look things up in, built once per tenant. */
export interface TenantIndex {
  readonly targets: Targets;
  readonly settings: Settings;
  /** every link of the tenant by user id, those of users out of scope or gone included */
  readonly links: ReadonlyMap<string, Link>;
  /** the linked documentation contacts by id (only linked contacts are looked up by id) */
  readonly linkedDocContacts: ReadonlyMap<string, DocContact>;
  /** the linked or mirrored PSA contacts by id */
  readonly linkedPsaContacts: ReadonlyMap<number, PsaContact>;
  /** PSA contacts that the documentation platform's PSA integration mirrors: they belong to their contact's user alone */
  readonly mirroredPsaIds: ReadonlySet<number>;
  /** what an operator chose for a user on one side, or null */
  readonly decided: Decided;
  /**
   * The field rules of the documentation leg. Without a documentation platform, the PSA contact is built from the
   * contact a new documentation contact would be, placed among the PSA's own locations.
   */
  readonly docContext: DocFieldContext;
  /** null when the tenant has no PSA customer mapped, or the installation has no PSA */
  readonly psaContext: PsaFieldContext | null;
  /** told on every new documentation contact when the `contactType` setting names no type the platform has */
  readonly contactTypeWarning: Reason | null;
  /** the fields the documentation platform requires: its profile's, then those it told (a layout's) */
  readonly docRequired: readonly DocRequiredField[];
}

/**
 * Index: takes the tenant's input and gives what the stages look up — links by user, the linked documentation and PSA
 * contacts by id (maps built for the linked ids alone, in one pass over each target's contacts), the PSA contacts the
 * documentation platform mirrors, the operators' decisions, and the settings resolved against the tenant (locations,
 * contact and PSA types, the replacement phone) into the contexts the two legs' field rules read.
 */
export function indexTenant(input: TenantSyncInput): TenantIndex {
  const { settings, targets } = input;
  const links = new Map(input.links.map((link) => [link.userId, link]));
  const linkedDocIds = new Set<string>();
  const linkedPsaIds = new Set<number>();
  for (const link of input.links) {
    linkedDocIds.add(link.docContactId);
    if (link.psaContactId !== null) linkedPsaIds.add(link.psaContactId);
  }
  const linkedDocContacts = new Map<string, DocContact>();
  const mirroredPsaIds = new Set<number>();
  if (targets.doc !== null) {
    const docContacts = input.doc.contacts;
    for (let c = 0; c < docContacts.length; c++) {
      const contact = docContacts[c]!;
      if (linkedDocIds.has(contact.id)) linkedDocContacts.set(contact.id, contact);
      if (contact.mirroredPsaContactId !== null) {
        mirroredPsaIds.add(contact.mirroredPsaContactId);
        linkedPsaIds.add(contact.mirroredPsaContactId);
      }
    }
  }
  const psa = targets.psa === null ? null : input.psa;
  const linkedPsaContacts = new Map<number, PsaContact>();
  const psaContacts = psa?.contacts ?? [];
  for (let c = 0; c < psaContacts.length; c++)
    if (linkedPsaIds.has(psaContacts[c]!.id)) linkedPsaContacts.set(psaContacts[c]!.id, psaContacts[c]!);
  const decisions = new Map(input.decisions.map((d) => [`${d.side}\u0000${d.userId}`, d.choice]));
  const decided: Decided = (userId, side) =>
    decisions.size === 0 ? null : (decisions.get(`${side}\u0000${userId}`) ?? null);
  const docLocations = targets.doc === null ? placesOf(psa?.locations ?? []) : input.doc.locations;
  const docLocationsById = new Map(docLocations.map((location) => [location.id, location]));
  const docLocationsByName = byName(docLocations);
  const namedDefault = settings.location.default;
  const defaultLocation =
    namedDefault === null
      ? ([...docLocations].sort((a, b) => (a.id < b.id ? -1 : 1)).find((location) => location.primary) ?? null)
      : (docLocationsByName.get(foldName(namedDefault)) ?? null);
  const docWords = (targets.doc ?? targets.psa)!.words;
  const docContext: DocFieldContext = {
    settings,
    words: docWords,
    locationsById: docLocationsById,
    locationsByName: docLocationsByName,
    defaultLocation,
    newContactTypeId: targets.doc === null ? null : typeId(input.doc.contactTypes, settings.contactType),
    replacementPhone: replacementPhone(settings, input.organizationPhone),
    callingCode: regionCallingCode(settings.phones.defaultRegion),
    region: settings.phones.defaultRegion,
    textLimit: (targets.doc === null ? undefined : input.textLimits?.doc) ?? Number.POSITIVE_INFINITY,
    flat: targets.doc?.flatContact === true,
  };
  const psaContext: PsaFieldContext | null =
    psa === null || targets.psa === null
      ? null
      : {
          settings,
          target: targets.psa,
          required: requiredOf(targets.psa.requiredFields, psa.requiredFields ?? []),
          docWords: targets.doc?.words ?? null,
          docWithoutPlaces: targets.doc?.placeRecords === false,
          docLocationsById,
          locationsByName: byName(psa.locations),
          mainLocation: [...psa.locations].sort((a, b) => a.id - b.id).find((location) => location.isMain) ?? null,
          emailTypeId: psaTypeId(psa.emailTypes, settings.psa.emailType),
          phoneTypeId: psaTypeId(psa.phoneTypes, settings.psa.phoneType),
          textLimit: input.textLimits?.psa ?? Number.POSITIVE_INFINITY,
          titleLimit: input.textLimits?.psaTitle ?? input.textLimits?.psa ?? Number.POSITIVE_INFINITY,
        };
  const contactTypeWarning =
    targets.doc !== null && settings.contactType !== null && docContext.newContactTypeId === null
      ? reason(
          'unknown-contact-type',
          `${targets.doc.words.name} has no contact type named "${settings.contactType}" (setting contactType); new contacts get none.`,
          'contact-type-id',
        )
      : null;
  return {
    targets,
    settings,
    links,
    linkedDocContacts,
    linkedPsaContacts,
    mirroredPsaIds,
    decided,
    docContext,
    psaContext,
    contactTypeWarning,
    docRequired: docRequiredOf(input),
  };
}

/** The documentation platform's required fields: its profile's (named as the flat form's fields), then the port's. */
function docRequiredOf(input: TenantSyncInput): readonly DocRequiredField[] {
  const target = input.targets.doc;
  if (target === null) return [];
  const told = input.doc.requiredFields ?? [];
  if (target.requiredFields.length === 0) return told;
  return [
    ...target.requiredFields.map((r): DocRequiredField => ({
      label: r.label,
      field: r.field as DocRequiredField['field'],
    })),
    ...told,
  ];
}

/** The PSA's locations in the shape the documentation leg places a contact in, for a PSA without a documentation platform. */
function placesOf(locations: readonly PsaLocation[]): DocLocation[] {
  return locations.map((location) => ({ id: String(location.id), name: location.name, primary: location.isMain }));
}

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  // Sorted so that two items with the same folded name resolve the same way whatever the input order.
  for (const item of [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const key = foldName(item.name);
    if (!map.has(key)) map.set(key, item);
  }
  return map;
}

export function typeId<Id>(
  types: readonly { readonly id: Id; readonly name: string }[],
  name: string | null,
): Id | null {
  if (name === null) return null;
  return byName(types).get(foldName(name))?.id ?? null;
}

/** A PSA type setting: an id given as a number is taken as it is; a name is looked up. */
function psaTypeId(types: readonly PsaType[], setting: string | number): number | null {
  return typeof setting === 'number' ? setting : typeId(types, setting);
}

/**
 * The phone written when Microsoft 365 has none. A real number goes to the documentation platform in its national
 * form and to the PSA in E.164; a placeholder such as 000-000-0000 goes as the operator typed it (the documentation
 * platform keeps its digits).
 */
function replacementPhone(settings: Settings, organizationPhone: string | null): ReplacementPhone | null {
  const setting = settings.phones.blankReplacement;
  if (setting === null) return null;
  const callingCode = regionCallingCode(settings.phones.defaultRegion);
  if (setting === 'tenantMain') {
    const main = normalizePhone(organizationPhone, settings.phones.defaultRegion);
    return main?.ok
      ? { key: main.phone.e164, digits: docPhoneValue(main.phone, callingCode), psaValue: main.phone.e164 }
      : null;
  }
  const parsed = normalizePhone(setting, settings.phones.defaultRegion);
  if (parsed?.ok)
    return { key: parsed.phone.e164, digits: docPhoneValue(parsed.phone, callingCode), psaValue: parsed.phone.e164 };
  const digits = setting.replace(/\D/g, '');
  return { key: digits, digits, psaValue: setting };
}
