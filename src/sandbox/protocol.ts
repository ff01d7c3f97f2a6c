/**
 * Calls for one compiled context, sent to a sandbox process in one message and run in as few isolate
 * entries as their sizes allow.
 */
export interface WorkerBatch {
  /** Whose compiled context to use: scope (tenant) and code hash, so tenants never share globals. */
  key: string;
  /** Sent when the process may not have compiled this key yet. */
  code?: string;
  timeoutMs: number;
  count: number;
  /** The calls' webhooks (JSON) joined by CALL_SEPARATOR; null to only compile the code. */
  inputs: string | null;
}

/** Batches, answered in one reply with one result each, in the same order. */
export interface WorkerRequest {
  batches: WorkerBatch[];
}

export type WorkerBatchResult =
  | {
      /** One outcome per call, in order, joined by CALL_SEPARATOR, in the shape the isolate runtime writes. */
      outcomes: string;
      /** Per isolate entry, in order: how many calls it ran, then how long it took in ms. */
      entries: number[];
    }
  /** The process does not know the key's code (it was restarted, or forgot it): send it again. */
  | { unknownCode: true };

export interface WorkerReply {
  results: WorkerBatchResult[];
}
