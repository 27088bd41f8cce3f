/**
 * The CloudTrail record as delivered and as returned in LookupEvents' CloudTrailEvent
 * (reference §3.3). Field order of the object literal built by the recorder is AWS's typical
 * order, so serialized records read like AWS's.
 */
export interface UserIdentity {
  type: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: {
    sessionIssuer: Record<string, string>;
    webIdFederationData?: Record<string, unknown>;
    attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  };
  invokedBy?: string;
}

export interface RecordResource {
  ARN?: string;
  /** S3 names a bucket's objects as a whole by prefix (listings, DeleteObjects). */
  ARNPrefix?: string;
  accountId?: string;
  type?: string;
}

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  /** Absent in console sign-in events. */
  requestID?: string;
  eventID: string;
  readOnly?: boolean;
  resources?: RecordResource[];
  eventType: string;
  apiVersion?: string;
  managementEvent?: boolean;
  recipientAccountId: string;
  eventCategory: string;
  tlsDetails?: { tlsVersion?: string; cipherSuite?: string; clientProvidedHostHeader?: string };
  sessionCredentialFromConsole?: 'true';
}
