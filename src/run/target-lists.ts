import type { DocContactType } from '../domain/doc-contact.ts';
import type { DocStore, Psa } from '../domain/ports.ts';
import type { PsaType } from '../domain/psa-contact.ts';
import type { RequiredField } from '../domain/target-profile.ts';

/**
 * The lists a target has once for every customer (the documentation platform's contact types, the PSA's email and
 * phone types), read once per process. A list that cannot be read fails the run, and is asked again next time.
 */
export class TargetLists {
  private contactTypes: Promise<readonly DocContactType[]> | null = null;
  private readonly psaTypes: Record<'email' | 'phone', Promise<readonly PsaType[]> | null> = {
    email: null,
    phone: null,
  };

  docContactTypes(doc: DocStore): Promise<readonly DocContactType[]> {
    this.contactTypes ??= doc.listContactTypes().catch((error: unknown) => {
      this.contactTypes = null;
      throw error;
    });
    return this.contactTypes;
  }

  /**
   * The PSA's email or phone types; not read at all when the setting gives the type's id. A list that cannot be read
   * fails the run with the connector's word on how to give the id instead.
   */
  psaTypesFor(psa: Psa, kind: 'email' | 'phone', setting: string | number): Promise<readonly PsaType[]> {
    if (typeof setting === 'number') return Promise.resolve([]);
    this.psaTypes[kind] ??= (kind === 'email' ? psa.listEmailTypes() : psa.listPhoneTypes()).catch((error: unknown) => {
      this.psaTypes[kind] = null;
      throw error;
    });
    return this.psaTypes[kind];
  }

  /**
   * The fields the PSA instance requires beyond its profile's; none for a PSA that does not say. The client keeps
   * what it read for some minutes (an administrator may change them while the service runs).
   */
  psaRequiredFields(psa: Psa): Promise<readonly RequiredField[]> {
    return psa.requiredFields === undefined ? Promise.resolve([]) : psa.requiredFields();
  }
}
