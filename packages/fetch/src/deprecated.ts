import {
  type AdapterOptions as HttpAdapterOptions,
  RequestSafety as HttpRequestSafety,
  type RequestSafetyOptions as HttpRequestSafetyOptions,
  type ResolvedOptions as HttpResolvedOptions,
  resolveAdapterOptions as httpResolveAdapterOptions,
} from '@sentinel/http/adapter';

// The adapter-building blocks moved to @sentinel/http/adapter so that @sentinel/axios no longer
// installs @sentinel/fetch. These aliases keep existing imports from @sentinel/fetch working (the
// very same class and function, so instanceof and identity hold); TSDoc marks them deprecated.

/** @deprecated Moved to `@sentinel/http/adapter`; import `RequestSafety` from there. */
export const RequestSafety: typeof HttpRequestSafety = HttpRequestSafety;
/** @deprecated Moved to `@sentinel/http/adapter`; import `RequestSafety` from there. */
export type RequestSafety = HttpRequestSafety;

/** @deprecated Moved to `@sentinel/http/adapter`; import `RequestSafetyOptions` from there. */
export type RequestSafetyOptions = HttpRequestSafetyOptions;

/** @deprecated Moved to `@sentinel/http/adapter`; import `resolveAdapterOptions` from there. */
export const resolveAdapterOptions: typeof httpResolveAdapterOptions = httpResolveAdapterOptions;

/** @deprecated Moved to `@sentinel/http/adapter`; import `AdapterOptions` from there (or use `SentinelFetchOptions`). */
export type AdapterOptions = HttpAdapterOptions;

/** @deprecated Moved to `@sentinel/http/adapter`; import `ResolvedOptions` from there. */
export type ResolvedOptions = HttpResolvedOptions;
