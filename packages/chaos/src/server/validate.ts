import { optionChecker } from '@sentinel/core';
import type { Fault, Latency } from './faults.ts';

const check = optionChecker('startChaosServer');

const TYPES: readonly Fault['type'][] = [
  'status',
  'rate-limit',
  'reset-before-headers',
  'reset-mid-body',
  'hang',
  'slow-body',
  'truncated-body',
  'oversized-body',
  'compressed',
  'redirect',
  'echo',
];

function latency(name: string, value: Latency | undefined): void {
  if (value === undefined || typeof value === 'number') {
    check.duration(name, value, {}, 0);
    return;
  }
  if (typeof value !== 'object' || value === null) check.fail(name, value, 'a duration, { min, max } or { mean }');
  if ('mean' in value) check.duration(`${name}.mean`, value.mean);
  else {
    const min = check.duration(`${name}.min`, value.min);
    check.duration(`${name}.max`, value.max, { min });
  }
}

/** Validates one fault at registration, so a typo fails where the test is written, not mid-run. */
export function validateFault(fault: Fault, name: string): Fault {
  if (typeof fault !== 'object' || fault === null) check.fail(name, fault, 'a fault object');
  check.oneOf(`${name}.type`, fault.type, TYPES);
  check.integer(`${name}.times`, fault.times, { min: 1, allowInfinity: true }, Number.POSITIVE_INFINITY);
  check.rate(`${name}.rate`, fault.rate, 1);
  latency(`${name}.latencyMs`, fault.latencyMs);
  const size = { min: 0, max: 2 ** 40 };
  switch (fault.type) {
    case 'status':
      check.integer(`${name}.status`, fault.status, { min: 100, max: 599 });
      break;
    case 'rate-limit':
      check.integer(`${name}.status`, fault.status, { min: 100, max: 599 }, 429);
      if (fault.retryAfterDateMs !== undefined) check.number(`${name}.retryAfterDateMs`, fault.retryAfterDateMs);
      break;
    case 'reset-mid-body':
      check.integer(`${name}.bytes`, fault.bytes, { min: 0 }, 16);
      break;
    case 'slow-body':
      check.integer(`${name}.size`, fault.size, size);
      check.number(`${name}.bytesPerSecond`, fault.bytesPerSecond, { greaterThan: 0 });
      break;
    case 'truncated-body': {
      const declared = check.integer(`${name}.declared`, fault.declared, { min: 1, max: 2 ** 40 });
      check.integer(`${name}.sent`, fault.sent, { min: 0, max: declared - 1 });
      break;
    }
    case 'oversized-body':
    case 'compressed':
      check.integer(`${name}.size`, fault.size, size);
      if (fault.type === 'compressed' && fault.encodings !== undefined) {
        if (!Array.isArray(fault.encodings) || fault.encodings.length === 0) {
          check.fail(`${name}.encodings`, fault.encodings, 'a non-empty array of "gzip", "deflate", "br"');
        }
        fault.encodings.forEach((e, i) => {
          check.oneOf(`${name}.encodings[${i}]`, e, ['gzip', 'deflate', 'br']);
        });
      }
      break;
    case 'redirect':
      if (typeof fault.location !== 'string' || fault.location === '') {
        check.fail(`${name}.location`, fault.location, 'a non-empty path or URL');
      }
      check.integer(`${name}.status`, fault.status, { min: 300, max: 399 }, 302);
      check.integer(`${name}.hops`, fault.hops, { min: 1 }, 1);
      break;
    default:
      break;
  }
  return fault;
}
