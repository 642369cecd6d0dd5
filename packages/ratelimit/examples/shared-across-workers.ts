import { Worker } from 'node:worker_threads';
import { sharedTokenBucket } from '@sentinel/ratelimit';

// The main thread owns the bucket; each worker attaches to the same SharedArrayBuffer:
//   const bucket = sharedTokenBucket.attach(workerData.buffer);
//   if (bucket.tryAcquire()) await callTheApi();
export function startWorkers(script: URL, count: number) {
  const bucket = sharedTokenBucket({ capacity: 50, refillPerSecond: 100 });
  const workers = Array.from({ length: count }, () => new Worker(script, { workerData: { buffer: bucket.buffer } }));
  return { bucket, workers };
}
