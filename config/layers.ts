import type { ValueSource } from './types.js';

export type Plain = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getPath(object: unknown, path: readonly PropertyKey[]): unknown {
  let current = object;
  for (const key of path) {
    if (!isPlainObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function setPath(object: Plain, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let current = object;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(current[key])) current[key] = {};
    current = current[key] as Plain;
  }
  current[keys[keys.length - 1] as string] = value;
}

/** Leaves of an object as dotted keys; arrays and scalars are leaves. */
export function leaves(object: Plain, prefix = ''): [string, unknown][] {
  return Object.entries(object).flatMap(([key, value]) => {
    const dotted = prefix ? `${prefix}.${key}` : key;
    return isPlainObject(value) ? leaves(value, dotted) : [[dotted, value] as [string, unknown]];
  });
}

/** Merges layers lowest first, recording which layer supplied each leaf. */
export function mergeLayers(layers: { source: ValueSource; values: Plain }[]): {
  merged: Plain;
  sources: Record<string, ValueSource>;
} {
  const merged: Plain = {};
  const sources: Record<string, ValueSource> = {};
  for (const { source, values } of layers) {
    for (const [key, value] of leaves(values)) {
      if (value === undefined) continue;
      setPath(merged, key, structuredClone(value));
      sources[key] = source;
    }
  }
  return { merged, sources };
}

/** A value as a problem message quotes it: `"80a"`, `70000`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  return JSON.stringify(value) ?? String(value);
}
