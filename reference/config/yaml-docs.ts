/**
 * Multi-document YAML (or JSON) -> plain values plus the line of every field path, so each validation
 * error can point at `file:line`. Never throws: syntax problems come back as YAML_SYNTAX errors.
 */
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { ValidationError } from '../model/types.ts';
import { joinPath } from './path.ts';

export interface RawDoc {
  value: unknown;
  /** Line of the document's first node. */
  line: number;
  /** Field path -> line, for every key and list item of the document. */
  lines: Map<string, number>;
}

const MAX_DEPTH = 100;
/** Syntax errors reported per file: after a few, the rest are usually echoes of the first. */
const MAX_SYNTAX_ERRORS = 10;

export function parseYamlDocuments(
  text: string,
  file: string,
): { docs: RawDoc[]; errors: ValidationError[] } {
  const docs: RawDoc[] = [];
  const errors: ValidationError[] = [];
  const lc = new LineCounter();
  const syntax = (line: number, message: string): void => {
    errors.push({ code: 'YAML_SYNTAX', file, line, kind: '', name: '', field: '', message });
  };
  const deep = flowDepthExceeded(text, MAX_DEPTH);
  if (deep !== undefined) {
    // The YAML library recurses per level; very deep input can exhaust the stack inside V8 itself.
    syntax(deep, `nesting deeper than ${MAX_DEPTH} levels; Kubernetes manifests never need that`);
    return { docs, errors };
  }
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, {
      lineCounter: lc,
      uniqueKeys: true,
      prettyErrors: true,
      logLevel: 'error',
    });
  } catch (err) {
    syntax(1, `cannot parse: ${(err as Error).message}`);
    return { docs, errors };
  }
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : lc.linePos(offset).line);
  for (const doc of parsed) {
    const docLine = lineOf(doc.contents?.range?.[0] ?? doc.range?.[0]);
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        if (errors.length >= MAX_SYNTAX_ERRORS) break;
        let line = e.linePos?.[0]?.line ?? lineOf(e.pos?.[0]);
        // The first line of the library's message is the useful part; the rest is a source excerpt.
        let col = e.linePos?.[0]?.col;
        // The library reports an unclosed quote where the file ends; the quote that opened it is what to fix.
        const open = e.code === 'MISSING_CHAR' && /quote/.test(e.message) ? openQuoteAtEnd(text) : undefined;
        if (open) ({ line, col } = open);
        const first = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
        syntax(line, col === undefined ? first : `${first} (column ${col})`);
      }
      continue;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue; // empty document
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      syntax(docLine, `cannot read document: ${(err as Error).message}`);
      continue;
    }
    const lines = new Map<string, number>();
    const walk = (node: unknown, path: string, depth: number): void => {
      if (depth > MAX_DEPTH) return;
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          const p = joinPath(path, key);
          const keyRange = (pair.key as { range?: [number, number, number] } | null)?.range;
          if (keyRange) lines.set(p, lineOf(keyRange[0]));
          walk(pair.value, p, depth + 1);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => {
          const p = joinPath(path, i);
          const r = (item as { range?: [number, number, number] } | null)?.range;
          if (r) lines.set(p, lineOf(r[0]));
          walk(item, p, depth + 1);
        });
      }
    };
    walk(doc.contents, '', 0);
    docs.push({ value, line: docLine, lines });
  }
  return { docs, errors };
}

/**
 * A cheap over-estimate of nesting: `[`/`{` depth (outside quotes and comments) plus, per line, half
 * the indentation and the count of leading compact `- `/`? ` indicators. Returns the first line where
 * it exceeds `max`.
 */
export function flowDepthExceeded(text: string, max: number): number | undefined {
  let depth = 0;
  let line = 1;
  let quote = '';
  let comment = false;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      comment = false;
      lineStart = true;
      continue;
    }
    if (lineStart && !quote) {
      lineStart = false;
      let j = i;
      let block = 0;
      while (j < text.length && text[j] === ' ') j++;
      block += (j - i) / 2;
      while (j + 1 < text.length && (text[j] === '-' || text[j] === '?') && text[j + 1] === ' ') {
        block++;
        j += 2;
        while (j < text.length && text[j] === ' ') j++;
      }
      if (depth + block > max) return line;
    }
    if (comment) continue;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') comment = true;
    else if (ch === '[' || ch === '{') {
      if (++depth > max) return line;
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Where the quoted scalar still open at the end of `text` began, if any. A quote opens one only where
 * a value starts (line start, after ":", "- ", "? ", "[", "{" or ","), not the apostrophe in "it's".
 * One pass, no slicing: it runs on any input the library rejects.
 */
export function openQuoteAtEnd(text: string): { line: number; col: number } | undefined {
  let quote = '';
  let at = { line: 0, col: 0 };
  let line = 1;
  let lineStart = 0;
  let prev = ''; // the last non-blank character of this line outside quotes ('' at its start)
  let prevAlone = true; // whether `prev` came after a blank or the line start ("-" as an indicator)
  let blank = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      lineStart = i + 1;
      if (!quote) [prev, prevAlone, blank] = ['', true, true];
      continue;
    }
    if (quote) {
      if (ch === '\\' && quote === '"' && text[i + 1] !== '\n') i++;
      else if (ch === "'" && quote === "'" && text[i + 1] === "'") i++;
      else if (ch === quote) [quote, prev, prevAlone, blank] = ['', ch, false, false];
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      blank = true;
    } else if (ch === '#' && blank) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (
      (ch === '"' || ch === "'") &&
      (prev === '' || ':[{,'.includes(prev) || ((prev === '-' || prev === '?') && prevAlone))
    ) {
      quote = ch;
      at = { line, col: i - lineStart + 1 };
    } else {
      [prev, prevAlone, blank] = [ch, blank, false];
    }
  }
  return quote ? at : undefined;
}

/** The line of `path`, or of its nearest ancestor that has one, or the document's line. */
export function lineFor(
  lines: ReadonlyMap<string, number> | undefined,
  path: string,
  fallback: number,
): number {
  if (!lines) return fallback;
  let p = path;
  for (;;) {
    const l = lines.get(p);
    if (l !== undefined) return l;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return fallback;
    p = p.slice(0, cut);
  }
}
