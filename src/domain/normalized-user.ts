import type { DirectoryUser } from './directory-user.ts';
import type { Reason } from './reason.ts';

/** A phone in canonical form. `e164` is `+` and digits; `digits` is what the documentation platform stores. */
export interface NormalizedPhone {
  readonly e164: string;
  /** E.164 without the plus: country calling code and national number */
  readonly digits: string;
  /** the digits of the number's national form, as its country dials it ("4155552156", "02079460000") */
  readonly national: string;
  /** the country calling code ("1", "44") */
  readonly callingCode: string;
  readonly extension: string | null;
}

/** A directory user after the normalize stage: every value the matcher and planner compare. */
export interface NormalizedUser {
  readonly id: string;
  readonly source: DirectoryUser;
  /** lower-case, IDN as ASCII */
  readonly userPrincipalName: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** first + last folded for comparison (case, accents, spacing ignored); null without a first name */
  readonly nameKey: string | null;
  readonly title: string | null;
  readonly officeLocation: string | null;
  /** the `SMTP:` address of proxyAddresses, else `mail` */
  readonly primarySmtp: string | null;
  /** every address of the mailbox: the primary SMTP address, every `smtp:` alias and `mail`, without duplicates */
  readonly mailboxAddresses: readonly string[];
  readonly officePhone: NormalizedPhone | null;
  readonly mobilePhone: NormalizedPhone | null;
  /** the region phones were read in (ISO 3166 alpha-2) */
  readonly phoneRegion: string;
  /** problems found in the user's data that did not stop normalization (an invalid phone, say) */
  readonly issues: readonly Reason[];
}
