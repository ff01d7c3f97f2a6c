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
  ids: number[];
  /** One webhook (JSON) per id; null to only compile the code. */
  inputs: string[] | null;
}

export interface WorkerRequest {
  batches: WorkerBatch[];
}

export type WorkerBatchResult =
  | {
      ids: number[];
      /** A JSON array with one outcome per id, in the shape the isolate runtime writes. */
      outcomes: string;
      /** Time in the process per id, in ms: a call's share of the isolate entry it ran in. */
      durationsMs: number[];
    }
  | { ids: number[]; unknownCode: true };

export interface WorkerReply {
  results: WorkerBatchResult[];
}
