/**
 * The fast path for reading manifests: js-yaml's event parser (about 5x faster than the `yaml`
 * library on 10k-Service files, see README "Dependencies"). It yields values and each document's
 * line, not the line of every field, so the loader uses it only when the whole configuration turns
 * out valid; anything else (a syntax error, an alias, a validation error) is read again through
 * yaml-docs.ts, whose errors point at exact lines. Either way the values are the same.
 */
import { constructFromEvents, parseEvents, EVENT_ID, type Event } from 'js-yaml';
import { flowDepthExceeded, type RawDoc } from './yaml-docs.ts';

/** Same limit as the slow path, so deep input is refused the same way (there). */
const MAX_DEPTH = 100;

/** Offsets of the first character of every line, for offset -> line by binary search. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function startOf(e: Event): number {
  if (e.type === EVENT_ID.SCALAR) return e.valueStart;
  if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) return e.start;
  return -1;
}

/**
 * The documents of one file, or undefined when this path cannot read it (bad syntax, aliases,
 * anything unusual): the caller then takes the slow path, which reports the problem precisely.
 * A large file is parsed a slice of documents at a time: js-yaml builds an event per node for all
 * it is given, and 50k Services' events at once weigh hundreds of MB before they are garbage.
 */
export function parseYamlDocumentsFast(text: string, sliceChars = SLICE_CHARS): RawDoc[] | undefined {
  // the precise path refuses what this over-estimate flags: leave such input to it
  if (flowDepthExceeded(text, MAX_DEPTH) !== undefined) return undefined;
  const docs: RawDoc[] = [];
  let line = 1;
  for (const slice of documentSlices(text, sliceChars)) {
    const part = parseSlice(slice, line);
    if (!part) return undefined;
    for (const d of part) docs.push(d);
    line += countLines(slice);
  }
  return docs;
}

/** Slices of about SLICE_CHARS, cut only before a `---` line; the whole text when cutting is not safe. */
export function documentSlices(text: string, sliceChars = SLICE_CHARS): string[] {
  // directives and `...` end markers change how documents follow each other: not cut
  if (text.length <= sliceChars || /^(%|\.\.\.(\s|$))/m.test(text)) return [text];
  const out: string[] = [];
  let start = 0;
  const marker = /^---(?=[ \t\r\n]|$)/gm;
  marker.lastIndex = sliceChars;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    out.push(text.slice(start, m.index));
    start = m.index;
    marker.lastIndex = start + sliceChars;
  }
  out.push(text.slice(start));
  return out;
}

/**
 * Measured on the 50k-Service bench file (22 MB; speaker start to config.applied, peak RSS): whole
 * 4.6 s / 994 MB, 6 MB slices 4.3 s / 580 MB, 4 MB 5.2 s / 500 MB, 256 KB 5.5 s / 561 MB (js-yaml is
 * slower per byte over many small calls).
 */
const SLICE_CHARS = 6 * 1024 * 1024;

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** One slice's documents, lines counted from `firstLine`. */
function parseSlice(text: string, firstLine: number): RawDoc[] | undefined {
  let events: Event[];
  let values: unknown[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH });
    // No aliases here: the slow path bounds their expansion and says where they are.
    values = constructFromEvents(events, { source: text, maxAliases: 0 });
  } catch {
    return undefined;
  }
  const starts = lineStarts(text);
  const docs: RawDoc[] = [];
  let docIndex = -1;
  for (let i = 0; i < events.length; i++) {
    if (events[i]!.type !== EVENT_ID.DOCUMENT) continue;
    docIndex++;
    const value = values[docIndex];
    // An empty document (or a bare null) is no resource, as in the slow path.
    if (value === null || value === undefined) continue;
    const root = events[i + 1];
    const offset = root ? startOf(root) : -1;
    docs.push({ value, line: (offset < 0 ? 1 : lineAt(starts, offset)) + firstLine - 1, lines: new Map() });
  }
  if (docIndex + 1 !== values.length) return undefined; // documents and values out of step: don't guess
  return docs;
}
