/**
 * Who made a call. A Principal is only ever built from a verified signature (or, later, a
 * console session): nothing a client says about itself ends up here (DESIGN invariant 3).
 * The union is shaped for the identity issue: IAM users and assumed roles slot in beside Root.
 */
export type Principal = RootPrincipal | IamUserPrincipal | AssumedRolePrincipal;

interface PrincipalBase {
  /** 12-digit account the principal belongs to. */
  accountId: string;
  /** Access key id the request was signed with. */
  accessKeyId: string;
}

/**
 * A root or IAM user session from GetSessionToken: AWS records its calls as the user's own, with
 * the ASIA… key and `sessionContext.attributes`.
 */
export interface SessionAttributes {
  /** ms since epoch when the session's credentials were issued. */
  createdAt: number;
  mfaAuthenticated: boolean;
  /** A web console session: its calls are recorded with `sessionCredentialFromConsole: "true"`. */
  fromConsole?: boolean;
}

export interface RootPrincipal extends PrincipalBase {
  type: 'Root';
  /** Account alias, recorded as userIdentity.userName when set. */
  accountAlias?: string;
  /** Set when the call was signed with GetSessionToken credentials. */
  session?: SessionAttributes;
}

export interface IamUserPrincipal extends PrincipalBase {
  type: 'IAMUser';
  userId: string;
  userName: string;
  path: string;
  /** Set when the call was signed with GetSessionToken credentials. */
  session?: SessionAttributes;
}

export interface AssumedRolePrincipal extends PrincipalBase {
  type: 'AssumedRole';
  roleId: string;
  roleName: string;
  rolePath: string;
  sessionName: string;
  /** ms since epoch when the session's credentials were issued. */
  sessionCreatedAt: number;
  mfaAuthenticated: boolean;
}

/** A secret that can verify signatures, and the principal it proves. */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required in `X-Amz-Security-Token` when set (temporary credentials). */
  sessionToken?: string;
  /** ms since epoch after which the credential is refused. */
  expiresAt?: number;
  principal: Principal;
}

/** Resolves access key ids to credentials; implemented by the identity store. */
export interface CredentialProvider {
  lookup(accessKeyId: string): Credential | undefined;
}

/** `arn:aws:iam::<account>:user<path><name>` (or role): an IAM user's or role's ARN. */
export function iamArn(accountId: string, kind: 'user' | 'role', path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${kind}${path}${name}`;
}

export const accountRootArn = (accountId: string): string => `arn:aws:iam::${accountId}:root`;

/** The role a session was issued for. */
export const issuerRoleArn = (p: AssumedRolePrincipal): string => iamArn(p.accountId, 'role', p.rolePath, p.roleName);

/** The ARN a principal acts as: in records (userIdentity.arn), policies and AccessDenied messages. */
export function principalArn(p: Principal): string {
  switch (p.type) {
    case 'Root':
      return accountRootArn(p.accountId);
    case 'IAMUser':
      return iamArn(p.accountId, 'user', p.path, p.userName);
    case 'AssumedRole':
      return `arn:aws:sts::${p.accountId}:assumed-role/${p.roleName}/${p.sessionName}`;
  }
}

/** The name LookupEvents' `Username` attribute matches for a principal (reference §2.13). */
export function lookupUsername(p: Principal): string {
  switch (p.type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return p.userName;
    case 'AssumedRole':
      return p.sessionName;
  }
}
