import { decryptSecret, encryptSecret, isEncrypted } from './secrets.ts';

/** Seals secrets kept in the state database (alert webhooks, SMTP passwords) with the installation's secret key. */
export interface SecretBox {
  seal(plain: string): string;
  /** the plain text of a sealed value; a value that was never sealed is returned as it is */
  open(sealed: string): string;
}

/** A box whose key is loaded (or made) only when a secret is first sealed or opened. */
export function secretBox(key: () => Buffer): SecretBox {
  let loaded: Buffer | null = null;
  const get = () => (loaded ??= key());
  return {
    seal: (plain) => (isEncrypted(plain) ? plain : encryptSecret(plain, get())),
    open: (sealed) => (isEncrypted(sealed) ? decryptSecret(sealed, get()) : sealed),
  };
}
