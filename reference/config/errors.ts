/** Building ValidationErrors that point at a field of a resource. */
import type { Source, ValidationError } from '../model/types.ts';
import { lineFor } from './yaml-docs.ts';

export function errorAt(
  src: Source,
  kind: string,
  name: string,
  field: string,
  code: string,
  message: string,
): ValidationError {
  return { code, file: src.file, line: lineFor(src.lines, field, src.line), kind, name, field, message };
}

/** Stable order for reports: file, line, then code. */
export function compareErrors(a: ValidationError, b: ValidationError): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    (a.field < b.field ? -1 : a.field > b.field ? 1 : 0) ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  );
}

/** `file:line: kind/name: field: message [CODE]` (the human form `validate` prints). */
export function formatError(e: ValidationError): string {
  // A name that is not plain text is quoted (and a long one cut) so it can never forge a line of output.
  const name = /^[\w.-]{0,253}$/.test(e.name)
    ? e.name
    : JSON.stringify(e.name.length > 80 ? e.name.slice(0, 77) + '...' : e.name);
  const res = e.kind || e.name ? `${e.kind}/${name}: ` : '';
  const field = e.field ? `${e.field}: ` : '';
  return escapeUnprintable(`${e.file}:${e.line}: ${res}${field}${e.message} [${e.code}]`);
}

/** Control, bidi-override and invisible characters as \uXXXX: a terminal shows what the file holds. */
function escapeUnprintable(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
