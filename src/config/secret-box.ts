import { decryptSecret, encryptSecret, isEncrypted } from './secrets.ts';

/**
 * The one box for secrets the installation keeps outside the config file (alert webhooks and SMTP passwords in the
 * state database, a subscription's clientState), sealed with the config's secret key.
 */
export interface SecretBox {
  /** the sealed value; a value already sealed is returned as it is, so that saving a setting twice seals it once */
  seal(plain: string): string;
  /** the plain text of a sealed value; a value that was never sealed is returned as it is */
  open(sealed: string): string;
}

/**
 * A box with `key`, or with a key loaded (or made) only when a secret is first sealed or opened: a command that
 * touches no secret never creates a key file.
 */
export function secretBox(key: Buffer | (() => Buffer)): SecretBox {
  let loaded: Buffer | null = Buffer.isBuffer(key) ? key : null;
  const get = () => (loaded ??= (key as () => Buffer)());
  return {
    seal: (plain) => (isEncrypted(plain) ? plain : encryptSecret(plain, get())),
    open: (sealed) => (isEncrypted(sealed) ? decryptSecret(sealed, get()) : sealed),
  };
}
