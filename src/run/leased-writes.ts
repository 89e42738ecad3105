import type { DocStore, Psa } from '../domain/ports.ts';
import type { TenantLease } from '../store/tenant-locks.ts';

/** The methods of the ports that write to a target. */
const WRITES: ReadonlySet<PropertyKey> = new Set([
  'createContacts',
  'updateContacts',
  'createContact',
  'updateContact',
  'inactivateContact',
]);

function guarded<T extends object>(port: T, lease: TenantLease): T {
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!WRITES.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        const lost = lease.lost();
        // A run that lost its tenant's lock may run beside the one that took it: it writes nothing more.
        if (lost !== null) return Promise.reject(lost);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The targets' ports as a run holding `lease` may write them: every write is refused once the lease is lost. */
export function leasedWrites(
  lease: TenantLease,
  ports: { readonly doc: DocStore | null; readonly psa: Psa | null },
): { readonly doc: DocStore | null; readonly psa: Psa | null } {
  return {
    doc: ports.doc === null ? null : guarded(ports.doc, lease),
    psa: ports.psa === null ? null : guarded(ports.psa, lease),
  };
}
