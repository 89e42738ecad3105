import type { FlatChange } from './flat-contact.ts';

/**
 * A field a documentation platform refuses to write a contact without. The platform's profile names the ones it
 * always requires; a platform whose records are shaped by the MSP (a layout of fields) tells its own through the port.
 * A contact that would be written without one is held from that platform alone, with the field named.
 */
export interface DocRequiredField {
  /** the field as the platform names it (a layout's label, "name") */
  readonly label: string;
  /** the contact's value that fills it, in the flat form (flat-contact.ts); null when contactsync fills none */
  readonly field: FlatChange | null;
  /** what a person does so that the field is filled, in the platform's words (a sentence, or absent) */
  readonly remedy?: string;
}
