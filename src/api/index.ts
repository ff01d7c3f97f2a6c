export { ApiError } from './api-error.ts';
export type { ApiOptions, Principal } from './context.ts';
export { type Api, createApi, createWorkerApi } from './create-api.ts';
