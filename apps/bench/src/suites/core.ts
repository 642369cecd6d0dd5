import {
  compose,
  contextFor,
  type ExecuteOptions,
  type Operation,
  type Policy,
  runOperation,
  systemClock,
  timeout,
} from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import type { Reporter } from '../harness.ts';

/** A policy that does nothing but hand its context on: the cost of one layer of the contract. */
const passThrough: Policy = {
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    return runOperation(fn, contextFor(options));
  },
};

const work = async () => 1;

export default async function coreSuite(report: Reporter): Promise<void> {
  const layers = (n: number) => compose(...Array.from({ length: n }, () => passThrough));
  const one = layers(1);
  const three = layers(3);
  const five = layers(5);
  const none = compose();
  const limit = timeout({ ms: 60_000 });
  const controller = new AbortController();
  const options = { signal: controller.signal };

  await report.compare(
    'compose(): N pass-through policies around one async call',
    { name: 'await fn()', fn: () => work() },
    [
      { name: 'compose() (0 policies)', fn: () => none.execute(work) },
      { name: 'compose(1 policy)', fn: () => one.execute(work) },
      { name: 'compose(3 policies)', fn: () => three.execute(work) },
      { name: 'compose(5 policies)', fn: () => five.execute(work) },
      { name: 'compose(5 policies) with a caller signal', fn: () => five.execute(work, options) },
      { name: 'timeout({ ms }).execute', fn: () => limit.execute(work) },
    ],
  );

  await report.compare('reading time', { name: 'performance.now()', fn: () => performance.now() }, [
    { name: 'systemClock.now()', fn: () => systemClock.now() },
    { name: 'Date.now()', fn: () => Date.now() },
  ]);

  report.heap('core instances', [
    { name: 'compose(3 policies)', create: () => compose(passThrough, passThrough, passThrough) },
    { name: 'timeout({ ms: 1000 })', create: () => timeout({ ms: 1000 }) },
    { name: 'ManualClock', create: () => new ManualClock() },
  ]);
}
