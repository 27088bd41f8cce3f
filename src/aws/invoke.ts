/**
 * Running one parsed call, the same for every model-driven protocol (awsJson, awsQuery): ask the
 * authorizer, run the handler with a context that collects the state it stages, serialize the
 * answer, and fill in what the record needs. A denied call is still recorded with the resources
 * it named; a failed call changes nothing (what the handler staged is undone).
 */
import type { LookupResource } from '../store/event-log.js';
import type { StateChange } from '../store/state-change.js';
import type { RecordResource } from '../recorder/record.js';
import type { AccessRequest, OperationContext, RequestContext, ServiceCall } from './service.js';
import { isReadOnlyByName } from '../recorder/classify.js';

export interface ResourceRefs {
  resources: RecordResource[];
  lookup: LookupResource[];
}

/** One call as a protocol hands it over, after reading and validating its input. */
export interface Invocation<O, B> {
  /** Asked before the handler, in order; none when the handler authorizes the call itself. */
  access(ctx: OperationContext): readonly AccessRequest[];
  handler(ctx: OperationContext): Promise<O>;
  /** The response body; inside the call, so a failure here also undoes what was staged. */
  serialize(output: O): B;
  resources?(output: O | undefined, ctx: OperationContext): ResourceRefs;
  /** The record's responseElements for a write call that produced an output. */
  recordOutput?(output: O, ctx: OperationContext): Record<string, unknown> | null;
}

/** A call's record facts before anything is known but its name: a management call, read-only by its verb. */
export function newCall(eventName: string): ServiceCall {
  return {
    eventName,
    readOnly: isReadOnlyByName(eventName),
    managementEvent: true,
    requestParameters: null,
    responseElements: null,
    resources: [],
    lookupResources: [],
  };
}

export async function runOperation<O, B>(base: RequestContext, call: ServiceCall, inv: Invocation<O, B>): Promise<B> {
  const staged = staging(base);
  let output: O | undefined;
  try {
    for (const request of inv.access(staged.context)) await staged.context.authorize(request);
    output = await inv.handler(staged.context);
    const body = inv.serialize(output);
    staged.attachTo(call);
    return body;
  } catch (e) {
    staged.undo();
    throw e;
  } finally {
    if (inv.resources) {
      const refs = inv.resources(output, staged.context);
      call.resources = refs.resources;
      call.lookupResources = refs.lookup;
    }
    if (output !== undefined && inv.recordOutput && !call.readOnly) call.responseElements = inv.recordOutput(output, staged.context);
  }
}

/**
 * The handler's context plus `stage`: collects the state changes a handler stages, to ride with
 * the call's event (`attachTo`) or be undone when the call fails (`undo`, newest first).
 */
function staging(base: RequestContext) {
  const changes: StateChange[] = [];
  const rollbacks: Array<() => void> = [];
  const undo = () => {
    for (const rollback of rollbacks.splice(0).reverse()) rollback();
  };
  const context: OperationContext = {
    ...base,
    stage(more, rollback) {
      changes.push(...more);
      rollbacks.push(rollback);
    },
  };
  return {
    context,
    undo,
    attachTo(call: ServiceCall) {
      if (rollbacks.length === 0) return;
      call.changes = changes;
      call.rollback = undo;
    },
  };
}
