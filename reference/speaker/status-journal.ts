/**
 * The Services' part of a speaker's status, written so that a reload that changed one Service costs
 * one appended line, not a rewrite of 50k statuses: a snapshot (`<status>.services.json`) and a
 * journal of patches after it (`<status>.services.jsonl`). Both carry a generation; a new snapshot
 * starts a new one, so a reader that meets journal lines older than its snapshot skips them. The
 * snapshot is rewritten when the speaker starts over (a full state) or the journal outgrows half of it.
 */
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServiceStatuses } from '../plan/explain.ts';
import type { StatusPatch } from './live-state.ts';
import { ServiceStatusBook } from './status-book.ts';
import { writeStatusText } from './status-file.ts';

export const snapshotPath = (statusFile: string): string => `${statusFile}.services.json`;
export const journalPath = (statusFile: string): string => `${statusFile}.services.jsonl`;

/** Below this the journal is never compacted (rewriting a small snapshot saves nothing). */
const MIN_COMPACT_BYTES = 1 << 20;

export class StatusJournal {
  private generation = 0;
  private book?: ServiceStatusBook;
  private snapshotBytes = 0;
  private journalBytes = 0;

  constructor(
    private readonly statusFile: string,
    private readonly minCompactBytes = MIN_COMPACT_BYTES,
  ) {}

  /** Brings the files up to `book`, given the patches applied to it since the last write. */
  write(book: ServiceStatusBook, patches: readonly StatusPatch[]): void {
    const compact =
      book !== this.book ||
      this.journalBytes > Math.max(this.minCompactBytes, this.snapshotBytes / 2) ||
      !existsSync(snapshotPath(this.statusFile));
    if (compact) {
      this.generation++;
      const text = `{"generation":${this.generation},"services":${book.toJSON()}}\n`;
      writeStatusText(snapshotPath(this.statusFile), text);
      // lines of older generations are skipped by readers; removing them only saves space
      writeFileSync(journalPath(this.statusFile), '');
      this.book = book;
      this.snapshotBytes = text.length;
      this.journalBytes = 0;
      return;
    }
    let lines = '';
    for (const p of patches)
      if (p.keys.length) lines += `${JSON.stringify({ generation: this.generation, ...p })}\n`;
    if (!lines) return;
    appendFileSync(journalPath(this.statusFile), lines);
    this.journalBytes += lines.length;
  }

  remove(): void {
    rmSync(snapshotPath(this.statusFile), { force: true });
    rmSync(journalPath(this.statusFile), { force: true });
  }
}

/** The Services' statuses as the files say (snapshot plus the journal lines of its generation). */
export function readServiceStatuses(statusFile: string): ServiceStatuses | undefined {
  if (!existsSync(snapshotPath(statusFile))) return undefined;
  const snap = JSON.parse(readFileSync(snapshotPath(statusFile), 'utf8')) as {
    generation: number;
    services: ServiceStatuses;
  };
  const book = new ServiceStatusBook(snap.services);
  const journal = existsSync(journalPath(statusFile)) ? readFileSync(journalPath(statusFile), 'utf8') : '';
  for (const line of journal.split('\n')) {
    if (!line) continue;
    let p: StatusPatch & { generation: number };
    try {
      p = JSON.parse(line);
    } catch {
      continue; // the line being appended right now
    }
    if (p.generation === snap.generation) book.patch(p);
  }
  return book.all();
}
