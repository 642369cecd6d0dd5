// Type tests (checked by tsc, never run).
import { compose } from '@sentinel/core';
import { concurrency } from '../concurrency/concurrency.ts';
import { adaptiveConcurrency } from './adaptive-concurrency.ts';

// adaptiveConcurrency is a Policy that keeps T, alone and composed.
const adaptive = adaptiveConcurrency({ algorithm: 'gradient' });
const adaptiveValue: Promise<{ id: number }> = adaptive.execute(async () => ({ id: 1 }));
const composedValue: Promise<number> = compose(adaptive, concurrency({ max: 1 })).execute(() => 1);
const limit: number = adaptive.status().limit;
void [adaptiveValue, composedValue, limit];
// @ts-expect-error: the algorithm is 'aimd' | 'gradient'.
adaptiveConcurrency({ algorithm: 'vegas' });
