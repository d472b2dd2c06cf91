/**
 * A small structural schema: types, required fields, unknown fields, enums, integer ranges and
 * duplicate list entries. Semantic rules (CIDRs, timers, cross-references) live in the decoders.
 */
import { joinPath } from './path.ts';

export type Schema =
  | { t: 'string'; enum?: readonly string[]; nonEmpty?: boolean }
  | { t: 'int'; min: number; max: number; rangeCode?: string }
  | { t: 'bool' }
  | { t: 'list'; of: Schema; nonEmpty?: boolean; emptyCode?: string }
  | { t: 'object'; fields: Readonly<Record<string, Schema>>; required?: readonly string[] }
  /** string -> string (labels, annotations). */
  | { t: 'stringMap' }
  | { t: 'any' };

export type Report = (code: string, field: string, message: string) => void;

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? v.slice(0, 77) + '...' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set)
  );
}

const expected: Record<Schema['t'], string> = {
  string: 'a string',
  int: 'an integer',
  bool: 'a boolean (true or false)',
  list: 'a list',
  object: 'a mapping',
  stringMap: 'a mapping of strings to strings',
  any: 'anything',
};

/** Stable text for deep equality of plain values (keys sorted). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (isPlainObject(v)) {
    return (
      '{' +
      Object.keys(v)
        .sort()
        .map((k) => JSON.stringify(k) + ':' + canonicalJson(v[k]))
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(v) ?? 'null';
}

/** Returns true when `value` has the shape `schema` describes; every problem is reported. */
export function check(value: unknown, schema: Schema, path: string, report: Report): boolean {
  const wrongType = (): false => {
    report('WRONG_TYPE', path, `got ${describe(value)}, expected ${expected[schema.t]}`);
    return false;
  };
  switch (schema.t) {
    case 'any':
      return true;
    case 'string':
      if (typeof value !== 'string') return wrongType();
      if (schema.enum && !schema.enum.includes(value)) {
        report('INVALID_VALUE', path, `got ${describe(value)}, expected one of ${schema.enum.join(', ')}`);
        return false;
      }
      if (schema.nonEmpty && value === '') {
        report('INVALID_VALUE', path, 'got an empty string, expected a non-empty string');
        return false;
      }
      return true;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrongType();
      if (value < schema.min || value > schema.max) {
        report(
          schema.rangeCode ?? 'OUT_OF_RANGE',
          path,
          `got ${value}, expected an integer in ${schema.min}..${schema.max}`,
        );
        return false;
      }
      return true;
    case 'bool':
      return typeof value === 'boolean' ? true : wrongType();
    case 'stringMap': {
      if (!isPlainObject(value)) return wrongType();
      let ok = true;
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') {
          report(
            'WRONG_TYPE',
            joinPath(path, k),
            // quoting helps a number or a boolean written bare; a list or a mapping has no text to quote
            typeof v === 'number' || typeof v === 'boolean'
              ? `got ${describe(v)}, expected a string (quote it: "${String(v)}")`
              : `got ${describe(v)}, expected a string`,
          );
          ok = false;
        }
      }
      return ok;
    }
    case 'list': {
      if (!Array.isArray(value)) return wrongType();
      if (schema.nonEmpty && value.length === 0) {
        report(schema.emptyCode ?? 'INVALID_VALUE', path, 'got an empty list, expected at least one entry');
        return false;
      }
      let ok = true;
      const seen = new Map<string, number>();
      value.forEach((item, i) => {
        if (!check(item, schema.of, joinPath(path, i), report)) {
          ok = false;
          return;
        }
        const key = canonicalJson(item);
        const first = seen.get(key);
        if (first !== undefined) {
          report(
            'DUPLICATE_ENTRY',
            joinPath(path, i),
            `${describe(item)} repeats ${joinPath(path, first)}; list entries must be unique`,
          );
          ok = false;
        } else seen.set(key, i);
      });
      return ok;
    }
    case 'object': {
      if (!isPlainObject(value)) return wrongType();
      let ok = true;
      const known = Object.keys(schema.fields);
      for (const k of Object.keys(value)) {
        const sub = Object.hasOwn(schema.fields, k) ? schema.fields[k] : undefined;
        if (!sub) {
          const near = known.find((f) => f.toLowerCase() === k.toLowerCase());
          report(
            'UNKNOWN_FIELD',
            joinPath(path, k),
            `unknown field ${JSON.stringify(k)}` +
              (near ? `; did you mean ${JSON.stringify(near)}?` : `; valid fields here: ${known.join(', ')}`),
          );
          ok = false;
          continue;
        }
        const v = value[k];
        // An explicit null is how YAML writes "unset": absent if optional, MISSING_FIELD below if required.
        if (v === null) continue;
        if (!check(v, sub, joinPath(path, k), report)) ok = false;
      }
      for (const r of schema.required ?? []) {
        if (value[r] === undefined || value[r] === null) {
          report('MISSING_FIELD', joinPath(path, r), `required field ${JSON.stringify(r)} is missing`);
          ok = false;
        }
      }
      return ok;
    }
  }
}
