import { PRESET_NAMES, type PresetName } from '../../presets/presets.ts';
import { type Parsed, stringFlag, UsageError } from '../args.ts';

/** `--preset NAME`, one of the presets (default production). */
export function presetFlag(parsed: Parsed): PresetName {
  const name = stringFlag(parsed, 'preset') ?? 'production';
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown --preset "${name}"; one of ${PRESET_NAMES.join(', ')}`);
  }
  return name as PresetName;
}

/** Every `-H 'name: value'`, in order (a name given twice is sent twice). */
export function headersFlag(parsed: Parsed): [string, string][] {
  const raw = parsed.values.header;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return list.map((header) => {
    const colon = header.indexOf(':');
    const name = header.slice(0, colon).trim();
    if (colon <= 0 || name === '') throw new UsageError(`-H "${header}" must be "name: value"`);
    return [name, header.slice(colon + 1).trim()];
  });
}

/**
 * The options of each worker's client: the preset, the `-H` headers, and one connection per
 * origin. A worker sends one request at a time (a retry only after the attempt before it ended),
 * so a second connection would never be used; with one, undici gives the client a single
 * connection object instead of a pool of them, one layer less on every request. `-w 64` then
 * means 64 connections, as autocannon's `-c 64` does.
 */
export function workerClientOptions(
  preset: PresetName,
  headers: [string, string][],
): { preset: PresetName; headers: [string, string][]; connections: number } {
  return { preset, headers, connections: 1 };
}
