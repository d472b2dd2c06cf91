import t from 'tap';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceStatusBook } from './status-book.ts';
import { journalPath, readServiceStatuses, snapshotPath, StatusJournal } from './status-journal.ts';

const bgp = (name: string, peers: string[]) => ({
  node: 'n',
  serviceName: name,
  serviceNamespace: 'a',
  peers,
});

t.test('snapshot plus journal reads back as the book, across compactions and a new full state', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lbconform-journal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'NodeA.json');
  const journal = new StatusJournal(file, 0); // compacts as soon as the journal outgrows half the snapshot
  let book = new ServiceStatusBook({ bgp: [bgp('s0', ['p'])], l2: [] });
  journal.write(book, book.takePatches());
  t.same(readServiceStatuses(file), book.all(), 'the first snapshot');
  let compactions = 0;
  for (let i = 1; i <= 30; i++) {
    book.patch({ keys: [`a/s${i}`], statuses: { bgp: [bgp(`s${i}`, ['p'])], l2: [] } });
    if (i % 3 === 0) book.patch({ keys: [`a/s${i - 2}`], statuses: { bgp: [], l2: [] } });
    const before = readFileSync(snapshotPath(file), 'utf8');
    journal.write(book, book.takePatches());
    if (readFileSync(snapshotPath(file), 'utf8') !== before) compactions++;
    t.same(readServiceStatuses(file), book.all(), `after change ${i}`);
  }
  t.ok(compactions > 1, `compacted ${compactions} times`);
  t.ok(readFileSync(journalPath(file), 'utf8').length > 0 || compactions > 0);
  book = new ServiceStatusBook({ bgp: [bgp('fresh', ['q'])], l2: [] });
  journal.write(book, book.takePatches());
  t.same(readServiceStatuses(file), book.all(), 'a new full state replaces everything');
  // a line of an older generation, or one half written, is skipped
  appendFileSync(
    journalPath(file),
    `${JSON.stringify({ generation: 0, keys: ['a/fresh'], statuses: { bgp: [], l2: [] } })}\n{"gener`,
  );
  t.same(readServiceStatuses(file), book.all());
  journal.remove();
  t.equal(readServiceStatuses(file), undefined, 'removed with the speaker');
});
