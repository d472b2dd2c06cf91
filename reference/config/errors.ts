/** Building ValidationErrors that point at a field of a resource. */
import type { Source, ValidationError } from '../model/types.ts';
import { lineFor } from './yaml-docs.ts';

export function errorAt(src: Source, kind: string, name: string, field: string, code: string, message: string): ValidationError {
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
  // A name that is not plain text is quoted so it can never forge a line of output.
  const name = /^[\w.-]*$/.test(e.name) ? e.name : JSON.stringify(e.name);
  const res = e.kind || e.name ? `${e.kind}/${name}: ` : '';
  const field = e.field ? `${e.field}: ` : '';
  return `${e.file}:${e.line}: ${res}${field}${e.message} [${e.code}]`;
}
