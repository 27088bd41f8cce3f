/**
 * Types for the runtime service model: the subset of a botocore `service-2.json` that the wire
 * layer needs (shapes, constraints, operations, metadata). The generated
 * `src/services/<service>/generated/model.ts` files are values of these types; the generic
 * (de)serializers and validator in `shapes*.ts` walk them. Nothing here is service-specific.
 */

export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp';

export interface XmlNamespace {
  prefix?: string;
  uri?: string;
}

/** A reference from a structure member, list member or map key/value to a named shape. */
export interface MemberRef {
  shape: string;
  /** Where a REST protocol carries the member (absent: in the body). */
  location?: 'header' | 'headers' | 'querystring' | 'uri' | 'statusCode';
  /** Wire name when it differs from the member name (headers, query keys, XML elements). */
  locationName?: string;
  /** ec2 query protocol's name override. */
  queryName?: string;
  xmlNamespace?: XmlNamespace;
  xmlAttribute?: boolean;
  flattened?: boolean;
  timestampFormat?: TimestampFormat;
  /** Member is a JSON document carried as a (base64) string, e.g. in a header. */
  jsonvalue?: boolean;
  idempotencyToken?: boolean;
  hostLabel?: boolean;
  streaming?: boolean;
  eventpayload?: boolean;
  /** Botocore marks shapes sensitive; a member flag is honoured too (hand-built tables). */
  sensitive?: boolean;
}

/** Fields every shape may carry. */
interface ShapeBase {
  /** Values must never be echoed (records show `HIDDEN_DUE_TO_SECURITY_REASONS`). */
  sensitive?: boolean;
}

export interface StructureShape extends ShapeBase {
  type: 'structure';
  /** In model order: validation messages and serialized output follow it. */
  members: Readonly<Record<string, MemberRef>>;
  required?: readonly string[];
  /** Modeled error shape. */
  exception?: boolean;
  /** Error caused by the server (5xx). */
  fault?: boolean;
  /** Error wire details: query-protocol code override and HTTP status. */
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  /** REST protocols: the member that is the whole HTTP body. */
  payload?: string;
  /** Exactly one member may be set. */
  union?: boolean;
  /** Free-form JSON document (no members). */
  document?: boolean;
  event?: boolean;
  eventstream?: boolean;
  locationName?: string;
  xmlNamespace?: XmlNamespace;
  xmlOrder?: readonly string[];
}

export interface ListShape extends ShapeBase {
  type: 'list';
  member: MemberRef;
  min?: number;
  max?: number;
  /** null elements are allowed. */
  sparse?: boolean;
  flattened?: boolean;
  locationName?: string;
}

export interface MapShape extends ShapeBase {
  type: 'map';
  key: MemberRef;
  value: MemberRef;
  min?: number;
  max?: number;
  sparse?: boolean;
  flattened?: boolean;
  locationName?: string;
}

export interface StringShape extends ShapeBase {
  type: 'string';
  min?: number;
  max?: number;
  pattern?: string;
  enum?: readonly string[];
}

export interface NumberShape extends ShapeBase {
  type: 'integer' | 'long' | 'float' | 'double';
  min?: number;
  max?: number;
}

export interface BooleanShape extends ShapeBase {
  type: 'boolean';
}

export interface TimestampShape extends ShapeBase {
  type: 'timestamp';
  timestampFormat?: TimestampFormat;
}

export interface BlobShape extends ShapeBase {
  type: 'blob';
  min?: number;
  max?: number;
  streaming?: boolean;
  requiresLength?: boolean;
}

export type Shape =
  | StructureShape
  | ListShape
  | MapShape
  | StringShape
  | NumberShape
  | BooleanShape
  | TimestampShape
  | BlobShape;

export type ShapeType = Shape['type'];

/** Every shape of one service, by shape name. */
export type ShapeTable = Readonly<Record<string, Shape>>;

export interface OperationModel {
  input?: string;
  output?: string;
  /** Modeled error shape names, in model order. */
  errors: readonly string[];
  http: { method: string; requestUri: string; responseCode?: number };
  idempotent?: boolean;
  readonly?: boolean;
  /** `none` for operations callable without SigV4 (e.g. STS AssumeRoleWithWebIdentity). */
  authtype?: string;
  endpoint?: { hostPrefix?: string };
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: string;
  protocols?: readonly string[];
  /** SigV4 service name; the model's `signingName`, else `endpointPrefix`. */
  signingName: string;
  signatureVersion?: string;
  serviceId: string;
  serviceFullName: string;
  serviceAbbreviation?: string;
  uid: string;
  jsonVersion?: string;
  /** awsJson protocols: `X-Amz-Target` is `<targetPrefix>.<Operation>`. */
  targetPrefix?: string;
  xmlNamespace?: string;
  globalEndpoint?: string;
  auth?: readonly string[];
}

export interface ServiceModel {
  metadata: ServiceMetadata;
  shapes: ShapeTable;
  operations: Readonly<Record<string, OperationModel>>;
}
