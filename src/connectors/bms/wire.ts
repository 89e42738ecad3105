import { z } from 'zod';
import type { PsaContact, PsaContactFields, PsaLocation, PsaType } from '../../domain/psa-contact.ts';

/**
 * Kaseya BMS's wire shapes, parsed at the boundary and mapped to the domain here and nowhere else. The public
 * evidence for BMS is thin: every inferred point (marked) lives in this file, to be corrected against the live API.
 */

export const BMS_REGIONS = {
  us: 'https://api.bms.kaseya.com',
  emea: 'https://api.bmsemea.kaseya.com',
  apac: 'https://api.bmsapac.kaseya.com',
} as const;
export type BmsRegion = keyof typeof BMS_REGIONS;

/** Inferred: the largest page BMS serves. */
export const BMS_PAGE_SIZE = 1000;

/** Inferred: the longest text BMS takes in a contact's first name, last name or job title. */
export const BMS_TEXT_LIMIT = 100;

export const envelope = <T extends z.ZodType>(result: T) =>
  z.object({
    success: z.boolean(),
    result: result.optional().nullable(),
    totalRecords: z.number().optional(),
    error: z.object({ message: z.string().optional() }).optional().nullable(),
  });

export const failure = z.object({
  success: z.literal(false),
  error: z.object({ message: z.string().optional() }).optional().nullable(),
});

export const tokenResult = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  accessTokenExpireOn: z.string(),
  refreshTokenExpireOn: z.string().optional(),
});

export const accountItem = z.object({ id: z.number(), name: z.string() });
export const locationItem = z.object({ id: z.number(), name: z.string(), isMain: z.boolean().nullable().optional() });
export const typeItem = z.object({ id: z.number(), name: z.string() });

const text = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? null);

export const contactItem = z.object({
  id: z.number(),
  accountId: z.number(),
  firstName: text,
  lastName: text,
  jobTitle: text,
  emailAddress: text,
  locationId: z.number().nullable().optional(),
  isActive: z.boolean().nullable().optional(),
  // Inferred: the single-contact read also carries the default phone and the types; lists do not.
  emailTypeId: z.number().nullable().optional(),
  phoneNumber: text,
  phoneTypeId: z.number().nullable().optional(),
});

export const createdResult = z.object({ id: z.number() });

export function toPsaContact(item: z.infer<typeof contactItem>): PsaContact {
  return {
    id: item.id,
    accountId: item.accountId,
    firstName: item.firstName,
    lastName: item.lastName,
    jobTitle: item.jobTitle,
    emailAddress: item.emailAddress,
    emailTypeId: item.emailTypeId ?? null,
    phoneNumber: item.phoneNumber,
    phoneTypeId: item.phoneTypeId ?? null,
    locationId: item.locationId ?? null,
    isActive: item.isActive ?? true,
  };
}

export function toPsaLocation(item: z.infer<typeof locationItem>): PsaLocation {
  return { id: item.id, name: item.name, isMain: item.isMain ?? false };
}

export function toPsaType(item: z.infer<typeof typeItem>): PsaType {
  return { id: item.id, name: item.name };
}

/** Inferred from public clients: the body of a create (`POST /v2/crm/contacts/summary`) and of an update (`PUT`). */
export function toContactBody(accountId: number, fields: PsaContactFields): Record<string, unknown> {
  return {
    accountId,
    locationId: fields.locationId,
    firstName: fields.firstName,
    lastName: fields.lastName,
    jobTitle: fields.jobTitle,
    defaultEmailTypeId: fields.emailTypeId,
    defaultEmailAddress: fields.emailAddress,
    defaultPhoneTypeId: fields.phoneTypeId,
    defaultPhoneNumber: fields.phoneNumber,
    isActive: fields.isActive,
  };
}

/** An update that only marks the contact inactive: every other field is sent as BMS holds it (an update sends all). */
export function toInactiveBody(current: PsaContact): Record<string, unknown> {
  return {
    accountId: current.accountId,
    locationId: current.locationId,
    firstName: current.firstName,
    lastName: current.lastName,
    jobTitle: current.jobTitle,
    defaultEmailTypeId: current.emailTypeId,
    defaultEmailAddress: current.emailAddress,
    defaultPhoneTypeId: current.phoneTypeId,
    defaultPhoneNumber: current.phoneNumber,
    isActive: false,
  };
}

/** Inferred: BMS names the field first in a validation message (`firstName: ...`). */
export function fieldOfMessage(message: string): string | null {
  return /^([A-Za-z]+):/.exec(message)?.[1] ?? null;
}
