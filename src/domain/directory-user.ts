/** A Microsoft 365 user as the directory reports it (Graph's properties, already parsed at the boundary). */
export interface DirectoryUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly surname: string | null;
  readonly mail: string | null;
  readonly proxyAddresses: readonly string[];
  readonly otherMails: readonly string[];
  readonly businessPhones: readonly string[];
  readonly mobilePhone: string | null;
  readonly jobTitle: string | null;
  readonly officeLocation: string | null;
  /** null when the directory did not say (the property was not selected). */
  readonly accountEnabled: boolean | null;
  readonly userType: string | null;
  readonly assignedLicenseSkuIds: readonly string[];
  readonly usageLocation: string | null;
  readonly country: string | null;
}

/** The tenant-wide facts that normalization and defaults draw on (Graph's `/organization`). */
export interface DirectoryOrganization {
  readonly displayName: string;
  readonly countryLetterCode: string | null;
  readonly businessPhones: readonly string[];
}
