/** `http-sentinel/workers/bullmq`: the whole of `@sentinel/workers/bullmq` (workers fed by BullMQ; `bullmq` is an optional peer). */
export * from '@sentinel/workers/bullmq';
