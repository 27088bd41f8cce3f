/**
 * Small pieces the console pages share: a failed call shown as the API said it
 * (error code and message, role="alert"), and a labelled form field with its inline problem.
 */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.js';

/** `2026-12-07 22:41:05 UTC` from an ISO 8601 timestamp (S3's) or epoch seconds (CloudTrail's); '—' for none. */
export function formatIsoTime(time: string | number | undefined): string {
  if (time === undefined || time === '') return '—';
  const iso = typeof time === 'number' ? new Date(time * 1000).toISOString() : time;
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/** What a failure says to the user: `Code: message` for an API error, the message otherwise. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <div class="alert error" role="alert">
      {title && <strong>{title} </strong>}
      {describeError(error)}
    </div>
  );
}

/** A <label class="field"> with text, the control, an optional hint and the field's problem. */
export function Field(props: { label: string; id: string; problem?: string | undefined; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field-wrap">
      <label class="field" for={props.id}>
        <span id={`${props.id}-label`}>{props.label}</span>
        {props.children}
      </label>
      {props.hint && (
        <p class="muted hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.problem && (
        <p class="field-problem" id={`${props.id}-problem`}>
          {props.problem}
        </p>
      )}
    </div>
  );
}

/**
 * A Field's control attributes: its id, its name from the label text alone (a label wrapping a
 * select would otherwise name it with the selected option too), and its hint and problem.
 */
export function describedBy(id: string, problem: string | undefined, hint = false): Record<string, string | boolean> {
  const ids = [hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter((s) => s !== '');
  return {
    id,
    'aria-labelledby': `${id}-label`,
    'aria-invalid': problem !== undefined,
    ...(ids.length ? { 'aria-describedby': ids.join(' ') } : {}),
  };
}
