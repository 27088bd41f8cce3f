/**
 * A durable state change that rides in the same transaction as the event recording the call
 * that made it (DESIGN invariant 1): the state store builds the statement, the event log
 * executes it with the event. SQL for the embedded SQLite store; a PostgreSQL event log will
 * need its own dialect (or a statement builder) when it arrives.
 */
export type SqlValue = string | number | bigint | null | Uint8Array;

/**
 * Statements run after the events appended with them, so `(SELECT last_seq FROM event_log_state
 * WHERE id = 1)` in a statement is the seq of the last of those events.
 */
export interface StateChange {
  sql: string;
  params: SqlValue[];
}
