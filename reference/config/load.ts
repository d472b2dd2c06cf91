/**
 * Manifests (files or directories of YAML/JSON) -> a validated ClusterConfig, or the full list of
 * problems. Never throws on bad input: every problem is a ValidationError with file:line.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterConfig, ValidationError } from '../model/types.ts';
import { crossCheck } from './crosscheck.ts';
import { decodeDocument, emptyCollected, type Collected } from './decode.ts';
import { compareErrors, errorAt } from './errors.ts';
import { parseYamlDocuments } from './yaml-docs.ts';
import { parseYamlDocumentsFast } from './yaml-fast.ts';

export interface LoadOptions {
  /** The speaker's namespace (MetalLB resources must be in it; resources without one are put in it). */
  namespace: string;
  /** MetalLB's `--lb-class`: only Services of this loadBalancerClass are ours. */
  loadBalancerClass?: string;
  /** MetalLB's `--ignore-exclude-lb`. */
  ignoreExcludeLB?: boolean;
}

export const DEFAULT_NAMESPACE = 'metallb-system';

export interface LoadResult {
  config?: ClusterConfig;
  errors: ValidationError[];
}

/** Adds one file's documents to `out`. */
function collectText(
  text: string,
  file: string,
  opts: LoadOptions,
  out: Collected,
  errors: ValidationError[],
): void {
  const { docs, errors: syntax } = parseYamlDocuments(text, file);
  errors.push(...syntax);
  for (const d of docs) decodeDocument(d.value, { file, line: d.line, lines: d.lines }, opts, out, errors);
}

/**
 * Errors kept per run: a 10 MB list of duplicates would otherwise give half a million lines to
 * `validate` and one enormous config.rejected log line. The rest is counted in one TOO_MANY_ERRORS.
 */
export const MAX_ERRORS = 200;

function capErrors(errors: ValidationError[]): ValidationError[] {
  if (errors.length <= MAX_ERRORS) return errors;
  const kept = errors.slice(0, MAX_ERRORS);
  const last = kept[kept.length - 1]!;
  kept.push({
    code: 'TOO_MANY_ERRORS',
    file: last.file,
    line: last.line,
    kind: '',
    name: '',
    field: '',
    message: `${errors.length - MAX_ERRORS} more errors not shown; fix the ones above first`,
  });
  return kept;
}

/**
 * BGPPeer passwordSecret -> password (MetalLB internal/config/config.go passwordFromSecretForPeer: the
 * Secret must exist in the speaker's namespace, be of type kubernetes.io/basic-auth and hold `password`).
 */
function resolveSecrets(c: Collected, errors: ValidationError[]): void {
  for (const { peer, secret } of c.pendingSecrets) {
    const s = c.secrets.get(secret);
    const fail = (code: string, message: string) =>
      errors.push(errorAt(peer.src, 'BGPPeer', peer.name, 'spec.passwordSecret', code, message));
    if (!s) fail('UNKNOWN_SECRET', `no Secret named ${JSON.stringify(secret)} in the speaker's namespace`);
    else if (s.type !== 'kubernetes.io/basic-auth')
      fail(
        'INVALID_SECRET',
        `Secret ${JSON.stringify(secret)} must be of type kubernetes.io/basic-auth, got ${JSON.stringify(s.type ?? '')}`,
      );
    else if (s.password === undefined)
      fail('INVALID_SECRET', `Secret ${JSON.stringify(secret)} holds no "password" key`);
    else if (s.password !== '') peer.password = s.password;
  }
}

export function finishCollected(c: Collected, errors: ValidationError[], opts: LoadOptions): LoadResult {
  resolveSecrets(c, errors);
  const communityAliases = crossCheck(c, errors);
  if (errors.length > 0) return { errors: capErrors([...errors].sort(compareErrors)) };
  return {
    errors: [],
    config: {
      namespace: opts.namespace,
      pools: c.pools,
      bgpAdvertisements: c.bgpAdvertisements.map(({ rawCommunities: _raw, ...a }) => a),
      l2Advertisements: c.l2Advertisements,
      peers: c.peers,
      bfdProfiles: c.bfdProfiles,
      communityAliases,
      nodes: c.nodes,
      services: c.services,
      endpointSlices: c.endpointSlices,
      namespaces: c.namespaces,
      warnings: [...c.warnings].sort(compareErrors),
      speaker: {
        ...(opts.loadBalancerClass ? { loadBalancerClass: opts.loadBalancerClass } : {}),
        ignoreExcludeLB: opts.ignoreExcludeLB === true,
      },
    },
  };
}

/** Pure: one file's text. Also what the property tests feed arbitrary input to. */
export function parseManifestText(
  text: string,
  file: string,
  opts: LoadOptions = { namespace: DEFAULT_NAMESPACE },
): LoadResult {
  return parseManifestTexts([{ file, text }], opts);
}

/**
 * Several texts as one config (what loading several files does, without the file system). A valid
 * config is read on the fast path; any problem sends the whole input through the precise path, so
 * every error still names its exact line.
 */
export function parseManifestTexts(
  files: readonly { file: string; text: string }[],
  opts: LoadOptions = { namespace: DEFAULT_NAMESPACE },
): LoadResult {
  return fastLoad(files, opts) ?? preciseLoad(files, opts, []);
}

/** The precise path: the `yaml` library, with the line of every field. */
export function preciseLoad(
  files: readonly { file: string; text: string }[],
  opts: LoadOptions,
  errors: ValidationError[],
): LoadResult {
  const c = emptyCollected();
  for (const f of files) collectText(f.text, f.file, opts, c, errors);
  return finishCollected(c, errors, opts);
}

/**
 * The fast path (yaml-fast.ts): a result only when everything is valid and nothing warned, else
 * undefined. It knows each document's line, not each field's (nor a v1 List item's), so a warning
 * is left to the precise path to place.
 */
export function fastLoad(
  files: readonly { file: string; text: string }[],
  opts: LoadOptions,
): LoadResult | undefined {
  const c = emptyCollected();
  const errors: ValidationError[] = [];
  for (const f of files) {
    const docs = parseYamlDocumentsFast(f.text);
    if (!docs) return undefined;
    for (const d of docs)
      decodeDocument(d.value, { file: f.file, line: d.line, lines: d.lines }, opts, c, errors);
    if (errors.length > 0) return undefined;
  }
  const result = finishCollected(c, errors, opts);
  return result.errors.length > 0 || (result.config?.warnings.length ?? 0) > 0 ? undefined : result;
}

const MANIFEST_RE = /\.(ya?ml|json)$/i;

/** Files as given; directories contribute their *.yaml, *.yml and *.json files (sorted, not recursive). */
export async function expandPaths(
  paths: readonly string[],
): Promise<{ files: string[]; errors: ValidationError[] }> {
  const files: string[] = [];
  const errors: ValidationError[] = [];
  const fail = (file: string, message: string): void => {
    errors.push({ code: 'FILE_UNREADABLE', file, line: 0, kind: '', name: '', field: '', message });
  };
  for (const p of paths) {
    try {
      const st = await stat(p);
      if (st.isDirectory()) {
        const names = (await readdir(p)).filter((n) => MANIFEST_RE.test(n)).sort();
        if (names.length === 0) fail(p, 'directory holds no *.yaml, *.yml or *.json files');
        files.push(...names.map((n) => join(p, n)));
      } else files.push(p);
    } catch (err) {
      fail(p, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return { files, errors };
}

/** Reads the manifest files of `paths` (unreadable ones become FILE_UNREADABLE errors). */
export async function readManifests(
  paths: readonly string[],
): Promise<{ texts: { file: string; text: string }[]; errors: ValidationError[] }> {
  const { files, errors } = await expandPaths(paths);
  const given = new Set(paths);
  const texts: { file: string; text: string }[] = [];
  for (const file of files) {
    try {
      texts.push({ file, text: await readFile(file, 'utf8') });
    } catch (err) {
      const failure = readFailure(err, file, given);
      if (failure) errors.push(failure);
    }
  }
  return { texts, errors };
}

/**
 * Why a listed file could not be read, or undefined when it is simply gone: listed in a directory,
 * then removed before it was read (an edit in progress). A file named on the command line must exist.
 */
export function readFailure(
  err: unknown,
  file: string,
  given: ReadonlySet<string>,
): ValidationError | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && !given.has(file)) return undefined;
  return {
    code: 'FILE_UNREADABLE',
    file,
    line: 0,
    kind: '',
    name: '',
    field: '',
    message: `cannot read: ${code ?? (err as Error).message}`,
  };
}

/** Texts (from readManifests) -> the config or every problem. */
export function loadTexts(
  texts: readonly { file: string; text: string }[],
  readErrors: ValidationError[],
  opts: LoadOptions,
): LoadResult {
  if (readErrors.length === 0) return parseManifestTexts(texts, opts);
  // Only the read errors to report when the rest is valid: no need for the slow precise path then.
  if (fastLoad(texts, opts)) return { errors: [...readErrors].sort(compareErrors) };
  return preciseLoad(texts, opts, [...readErrors]);
}

export async function loadManifests(
  paths: readonly string[],
  opts: LoadOptions = { namespace: DEFAULT_NAMESPACE },
): Promise<LoadResult> {
  const { texts, errors } = await readManifests(paths);
  return loadTexts(texts, errors, opts);
}
