/**
 * Where the client commands (bucket-policy, validate-logs) send their calls and with which
 * credentials: a flag, else the usual AWS_* environment (a service's own AWS_ENDPOINT_URL_<SVC>
 * before AWS_ENDPOINT_URL), else a local OpenTrail. Credentials are AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), else the root pair a server wrote to its data
 * dir, else none (the SDK's own chain: profiles, SSO, instance roles).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_CREDENTIALS_FILE } from '../identity/bootstrap.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4599';

export interface ClientCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Known when read from a server's data dir. */
  accountId?: string;
}

export const dataDirOf = (flag: string | undefined, env: NodeJS.ProcessEnv): string => flag ?? env.OPENTRAIL_DATA_DIR ?? './data';

export const rootCredentialsFile = (dataDir: string): string => join(dataDir, ROOT_CREDENTIALS_FILE);

export function endpointOf(service: 'S3' | 'CLOUDTRAIL', flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;
}

export const regionOf = (flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined =>
  flag ?? env.AWS_DEFAULT_REGION ?? env.AWS_REGION;

export function credentialsOf(env: NodeJS.ProcessEnv, dataDir: string): ClientCredentials | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  try {
    const { accountId, accessKeyId, secretAccessKey } = JSON.parse(readFileSync(rootCredentialsFile(dataDir), 'utf8')) as Required<ClientCredentials>;
    return { accountId, accessKeyId, secretAccessKey };
  } catch {
    return undefined;
  }
}

/** The settings every SDK client of these commands shares (S3 clients add path-style addressing). */
export function clientConfig(endpoint: string, region: string, credentials: ClientCredentials | undefined) {
  return {
    endpoint,
    region,
    ...(credentials
      ? { credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}) } }
      : {}),
  };
}
