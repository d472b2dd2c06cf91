/**
 * The manifest files of a running speaker, each kept decoded between reloads: a reload re-reads only
 * the files whose stat changed, so one Service edited beside a 20 MB file of 50k Services costs one
 * small read and one small decode, not 20 MB of YAML. Each file is decoded on its own (the fast path of
 * load.ts); whoever needs exact errors for a bad file still goes through load.ts's precise path.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { ValidationError } from '../model/types.ts';
import { decodeDocument, emptyCollected, type Collected } from './decode.ts';
import { expandPaths, readFailure, type LoadOptions } from './load.ts';
import { parseYamlDocumentsFast } from './yaml-fast.ts';

/** One file as the last refresh found it. */
export interface DecodedFile {
  file: string;
  /** Its resources; undefined when the fast path could not read it or a resource is invalid. */
  collected?: Collected;
  /** Holds nothing but Services and EndpointSlices (changing it cannot change pools, peers or nodes). */
  servicesOnly: boolean;
  /** Content hash, to tell a rewrite with the same bytes from a real change. */
  hash: string;
  sig: string;
  /** When it was read (ns, wall clock): a stat taken too close to it cannot be trusted (below). */
  readAtNs: bigint;
  mtimeNs: bigint;
}

export interface Refresh {
  /** Every file, in load order. */
  files: DecodedFile[];
  /** Files that could not be read (FILE_UNREADABLE). */
  readErrors: ValidationError[];
}

/**
 * File timestamps have the kernel's coarse clock granularity (a few ms): a file written twice within
 * one tick, same size, would keep its stat. So a file modified less than this before it was read is
 * "racy" (as git calls it) and is read again and compared by content on the next refresh.
 */
const RACY_NS = 2_000_000_000n;

export class ManifestFiles {
  private byFile = new Map<string, DecodedFile>();
  /** Files read from disk so far (the rest were known by their stat). */
  reads = 0;

  constructor(private readonly opts: LoadOptions) {}

  async refresh(paths: readonly string[]): Promise<Refresh> {
    const { files, errors: readErrors } = await expandPaths(paths);
    const given = new Set(paths);
    const next = new Map<string, DecodedFile>();
    for (const file of files) {
      try {
        next.set(file, await this.load(file, this.byFile.get(file)));
      } catch (err) {
        const failure = readFailure(err, file, given);
        if (failure) readErrors.push(failure);
      }
    }
    this.byFile = next;
    return { files: [...next.values()], readErrors };
  }

  /** The texts of every file (what load.ts's precise path needs to name exact lines). */
  async texts(files: readonly DecodedFile[]): Promise<{ file: string; text: string }[]> {
    return Promise.all(files.map(async (f) => ({ file: f.file, text: await readFile(f.file, 'utf8') })));
  }

  private async load(file: string, before: DecodedFile | undefined): Promise<DecodedFile> {
    const st = await stat(file, { bigint: true });
    const sig = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    if (before && before.sig === sig && before.readAtNs - before.mtimeNs > RACY_NS) return before;
    const readAtNs = BigInt(Date.now()) * 1_000_000n;
    const text = await readFile(file, 'utf8');
    this.reads++;
    const hash = createHash('sha1').update(text).digest('base64');
    if (before && before.hash === hash) return { ...before, sig, readAtNs, mtimeNs: st.mtimeNs };
    return { ...decodeFile(text, file, this.opts), hash, sig, readAtNs, mtimeNs: st.mtimeNs };
  }
}

/** One file's resources on the fast path, or no `collected` when it has any problem. */
export function decodeFile(
  text: string,
  file: string,
  opts: LoadOptions,
): Pick<DecodedFile, 'file' | 'collected' | 'servicesOnly'> {
  const docs = parseYamlDocumentsFast(text);
  if (!docs) return { file, servicesOnly: false };
  const c = emptyCollected();
  const errors: ValidationError[] = [];
  for (const d of docs) decodeDocument(d.value, { file, line: d.line, lines: d.lines }, opts, c, errors);
  if (errors.length > 0) return { file, servicesOnly: false };
  return { file, collected: c, servicesOnly: holdsOnlyServices(c) };
}

/** Every resource decoded, valid or not, is named `kind/name` in c.names (decode.ts decodeDocument). */
function holdsOnlyServices(c: Collected): boolean {
  for (const n of c.names) if (!n.startsWith('Service/') && !n.startsWith('EndpointSlice/')) return false;
  return true;
}

/**
 * The files' resources as one Collected, in load order (what decoding them one after the other would
 * give), or undefined when a resource is defined twice across files (the precise path reports it).
 */
export function mergeCollected(files: readonly DecodedFile[]): Collected | undefined {
  const c = emptyCollected();
  for (const f of files) {
    const x = f.collected!;
    for (const [k, src] of x.seen) {
      if (c.seen.has(k)) return undefined;
      c.seen.set(k, src);
    }
    push(c.pools, x.pools);
    push(c.bgpAdvertisements, x.bgpAdvertisements);
    push(c.l2Advertisements, x.l2Advertisements);
    // resolving a passwordSecret writes into the peer: copies, so a cached file never keeps a stale password
    const copies = new Map(x.peers.map((p) => [p, { ...p }]));
    push(c.peers, [...copies.values()]);
    for (const s of x.pendingSecrets)
      c.pendingSecrets.push({ peer: copies.get(s.peer) ?? s.peer, secret: s.secret });
    push(c.bfdProfiles, x.bfdProfiles);
    push(c.communityAliases, x.communityAliases);
    push(c.nodes, x.nodes);
    push(c.services, x.services);
    push(c.endpointSlices, x.endpointSlices);
    push(c.namespaces, x.namespaces);
    push(c.warnings, x.warnings);
    for (const [k, v] of x.secrets) c.secrets.set(k, v);
    for (const n of x.names) c.names.add(n);
  }
  return c;
}

function push<T>(to: T[], from: readonly T[]): void {
  for (const x of from) to.push(x);
}
