/** One transformation call sent to a sandbox process. */
export interface WorkerCall {
  id: number;
  /** Whose compiled context to use: scope (tenant) and code hash, so tenants never share globals. */
  key: string;
  /** Sent when the process may not have compiled this key yet. */
  code?: string;
  /** The webhook as JSON; omitted to only compile. */
  input?: string;
  timeoutMs: number;
}

export interface WorkerRequest {
  calls: WorkerCall[];
}

export interface WorkerReply {
  results: ({ id: number; output: string; durationMs: number } | { id: number; unknownCode: true })[];
}
