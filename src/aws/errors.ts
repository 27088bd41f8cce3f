/**
 * The one error model. Every error a client can meet is an AwsError carrying AWS's code
 * (`__type` on JSON protocols), the HTTP status and a message that says what was wrong.
 * Anything else thrown inside the pipeline becomes a 500 InternalFailure that leaks nothing.
 */
export class AwsError extends Error {
  constructor(
    /** AWS's error code, e.g. `TrailNotFoundException`. */
    readonly code: string,
    message: string,
    /** HTTP status; client errors default to 400 as real CloudTrail answers (reference §1.2). */
    readonly status = 400,
    /** Extra fields some protocols render beside code and message (S3: <BucketName>, <Key>…). */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = code;
  }

  /** True for errors caused by the server rather than the client. */
  get isFault(): boolean {
    return this.status >= 500;
  }
}

/** Errors shared by every AWS JSON service (not in any one service model). */
export const CommonErrors = {
  serialization: (message: string) => new AwsError('SerializationException', message),
  unknownOperation: (target: string) =>
    new AwsError('UnknownOperationException', `Unknown operation: ${target}`),
  validation: (message: string) => new AwsError('ValidationException', message),
  /**
   * IAM's denial. Records carry `AccessDenied` whatever the protocol; awsJson services name it
   * `AccessDeniedException` on the wire (JsonService renames it when rendering).
   */
  accessDenied: (message: string) => new AwsError('AccessDenied', message, 403),
  internalFailure: (requestId: string) =>
    new AwsError(
      'InternalFailure',
      `The request processing has failed because of an unknown error. Request id: ${requestId}`,
      500,
    ),
  requestTooLarge: (limit: number) =>
    new AwsError(
      'RequestEntityTooLargeException',
      `Request body exceeds the maximum size of ${limit} bytes; send a smaller request.`,
      413,
    ),
} as const;
