/**
 * Read/write classification by API verb (reference §11.3): the default when an operation's
 * table entry does not say otherwise.
 */
const READ_PREFIXES = ['Describe', 'Get', 'List', 'Lookup', 'Head', 'Search', 'Select', 'BatchGet'];

export function isReadOnlyByName(operation: string): boolean {
  return READ_PREFIXES.some((p) => operation.startsWith(p));
}
