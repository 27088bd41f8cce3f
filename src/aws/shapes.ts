/**
 * Generic, service-agnostic handling of values described by a model's shape table: reading an
 * awsJson request (`deserializeJson` = strict type mapping + constraint checks), writing a
 * response (`serializeJson`), the ValidationException (`validationError`) and the record form
 * of inputs/outputs (`toRecordForm`). The pieces live in `shapes-*.ts`; this is the entry point.
 */
import type { ShapeTable } from './model-types.js';
import { readJson } from './shapes-json.js';
import { validate, type Violation } from './shapes-validate.js';

export { readJson, serializeJson } from './shapes-json.js';
export { validate, validationError } from './shapes-validate.js';
export type { ConstraintKind, Violation } from './shapes-validate.js';
export { HIDDEN, formatRecordTimestamp, toRecordForm } from './shapes-record.js';
export { lowerCamel } from './shapes-common.js';

/**
 * Reads an awsJson request value of shape `shapeName`. A wrong JSON type throws a
 * SerializationException; constraint violations are returned (not thrown) so an operation can
 * answer some of them with its own modeled error before falling back to `validationError`.
 */
export function deserializeJson(
  table: ShapeTable,
  shapeName: string,
  value: unknown,
): { value: unknown; violations: Violation[] } {
  const typed = readJson(table, shapeName, value);
  return { value: typed, violations: validate(table, shapeName, typed) };
}
