/**
 * `lbconform report merge --out DIR SHARD_DIR...`: one report set from the folders of `run --shard i/n`
 * jobs (CI matrix). The shards' cucumber message streams become one stream, as if one run had executed
 * every scenario: one meta, one testRunStarted / testRunFinished (success only if every shard's was),
 * each feature's source and document once (a later shard's AST ids mapped onto the first shard's by
 * source position), step definitions and hooks once (by source reference), every shard's test cases
 * and their events unchanged. From that stream: junit.xml and cucumber.html (cucumber's own
 * formatters), messages.ndjson, not-supported.json, every shard's per-scenario artifacts under
 * features/, then report.json / report.yaml / summary.html as after any run.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Envelope, GherkinDocument, Pickle, TestCase } from '@cucumber/messages';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import { JUnitXmlPrinter } from '@cucumber/junit-xml-formatter';
import { CodedError } from '../common/errors.ts';
import type { CommandIO } from '../reference/commands/io.ts';
import { writeAllReportsSync } from './commands.ts';
import { reportWarnings } from './conformance.ts';

export function parseNdjson(text: string, file: string): Envelope[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as Envelope;
      } catch {
        throw new CodedError('REPORT_MERGE_INVALID', `${file}:${i + 1}: not a JSON message`);
      }
    });
}

/** Every `id` of an AST node keyed by its source position (line:column, plus a kind for rows/tags). */
function idsByPosition(doc: GherkinDocument): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (node: unknown, kind: string): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, kind);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const loc = o.location as { line: number; column?: number } | undefined;
    if (typeof o.id === 'string' && loc) out.set(`${kind}@${loc.line}:${loc.column ?? 0}`, o.id);
    for (const [k, v] of Object.entries(o)) if (k !== 'location') walk(v, k);
  };
  walk(doc.feature, 'feature');
  return out;
}

/** Maps ids of `later` (the same source as `first`) onto the ids `first` gave the same nodes. */
function astIdMap(first: GherkinDocument, later: GherkinDocument): Map<string, string> {
  const a = idsByPosition(first);
  const map = new Map<string, string>();
  for (const [pos, id] of idsByPosition(later)) {
    const to = a.get(pos);
    if (to) map.set(id, to);
  }
  return map;
}

const definitionKey = (d: { sourceReference?: unknown; pattern?: unknown; name?: unknown; type?: unknown }) =>
  JSON.stringify([d.sourceReference, d.pattern, d.name, d.type]);

/** One message stream from the shards' streams (each a complete cucumber run). */
export function mergeShardMessages(shards: Envelope[][]): Envelope[] {
  if (!shards.length) throw new CodedError('REPORT_MERGE_EMPTY', 'no shard to merge');
  const head: Envelope[] = [];
  const body: Envelope[] = [];
  const docs = new Map<string, GherkinDocument>();
  const sources = new Set<string>();
  const definitions = new Map<string, string>();
  let runStarted: Envelope['testRunStarted'];
  let success = true;
  let finishedAt = { seconds: 0, nanos: 0 };
  let exception: NonNullable<Envelope['testRunFinished']>['exception'];
  const runId = (shards[0]!.find((e) => e.testRunStarted)?.testRunStarted?.id ?? 'merged') as string;

  shards.forEach((stream, shardIndex) => {
    const astIds = new Map<string, string>();
    const defIds = new Map<string, string>();
    const used = new Set(stream.filter((e) => e.testCase).map((e) => (e.testCase as TestCase).pickleId));
    const ast = (id: string): string => astIds.get(id) ?? id;
    for (const e of stream) {
      if (e.meta) {
        if (shardIndex === 0) head.push(e);
      } else if (e.source) {
        if (!sources.has(e.source.uri)) {
          sources.add(e.source.uri);
          head.push(e);
        }
      } else if (e.gherkinDocument) {
        const doc = e.gherkinDocument;
        const uri = doc.uri ?? '';
        const first = docs.get(uri);
        if (first) for (const [from, to] of astIdMap(first, doc)) astIds.set(from, to);
        else {
          docs.set(uri, doc);
          head.push(e);
        }
      } else if (e.pickle) {
        if (!used.has(e.pickle.id)) continue;
        const p: Pickle = {
          ...e.pickle,
          astNodeIds: e.pickle.astNodeIds.map(ast),
          steps: e.pickle.steps.map((s) => ({ ...s, astNodeIds: s.astNodeIds.map(ast) })),
          tags: e.pickle.tags.map((t) => ({ ...t, astNodeId: ast(t.astNodeId) })),
        };
        head.push({ pickle: p } as Envelope);
      } else if (e.stepDefinition || e.hook || e.parameterType || e.undefinedParameterType) {
        const def = (e.stepDefinition ?? e.hook ?? e.parameterType ?? e.undefinedParameterType) as {
          id?: string;
        };
        const key = `${Object.keys(e)[0]}:${definitionKey(def as never)}`;
        const known = definitions.get(key);
        if (known && def.id) defIds.set(def.id, known);
        else {
          if (def.id) definitions.set(key, def.id);
          head.push(e);
        }
      } else if (e.testRunStarted) {
        if (!runStarted) runStarted = e.testRunStarted;
      } else if (e.testRunFinished) {
        success &&= e.testRunFinished.success;
        exception ??= e.testRunFinished.exception;
        const t = e.testRunFinished.timestamp;
        if (
          t.seconds > finishedAt.seconds ||
          (t.seconds === finishedAt.seconds && t.nanos > finishedAt.nanos)
        )
          finishedAt = t;
      } else if (e.testCase) {
        body.push({
          testCase: {
            ...e.testCase,
            testRunStartedId: runId,
            testSteps: e.testCase.testSteps.map((s) => ({
              ...s,
              ...(s.hookId ? { hookId: defIds.get(s.hookId) ?? s.hookId } : {}),
              ...(s.stepDefinitionIds
                ? { stepDefinitionIds: s.stepDefinitionIds.map((d) => defIds.get(d) ?? d) }
                : {}),
            })),
          },
        } as Envelope);
      } else if (e.testRunHookStarted) {
        body.push({
          testRunHookStarted: {
            ...e.testRunHookStarted,
            testRunStartedId: runId,
            hookId: defIds.get(e.testRunHookStarted.hookId) ?? e.testRunHookStarted.hookId,
          },
        } as Envelope);
      } else body.push(e);
    }
  });
  return [
    ...head,
    { testRunStarted: { ...runStarted!, id: runId } } as Envelope,
    ...body,
    {
      testRunFinished: {
        testRunStartedId: runId,
        timestamp: finishedAt,
        success,
        ...(exception ? { exception } : {}),
      },
    } as Envelope,
  ];
}

/** junit.xml through cucumber's JUnit plugin, from a message stream. */
export function junitXml(messages: Envelope[]): string {
  let out = '';
  const printer = new JUnitXmlPrinter({}, (s) => {
    out += s;
  });
  for (const m of messages) printer.update(m);
  return out;
}

/** cucumber.html through cucumber's HTML formatter, from a message stream. */
export async function cucumberHtml(messages: Envelope[]): Promise<string> {
  const html = new CucumberHtmlStream();
  let out = '';
  html.on('data', (c: Buffer | string) => {
    out += c.toString();
  });
  for (const m of messages) html.write(m);
  html.end();
  await finished(html);
  return out;
}

export interface MergeResult {
  scenarios: number;
  success: boolean;
}

/** Writes the merged report set of `shardDirs` into `outDir` (see the top of this file). */
export async function mergeRuns(shardDirs: string[], outDir: string): Promise<MergeResult> {
  const streams = shardDirs.map((d) => {
    const f = join(d, 'messages.ndjson');
    if (!existsSync(f))
      throw new CodedError('REPORT_MERGE_NO_MESSAGES', `${d}: no messages.ndjson (not a run folder)`);
    return parseNdjson(readFileSync(f, 'utf8'), f);
  });
  const merged = mergeShardMessages(streams);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'messages.ndjson'), merged.map((m) => JSON.stringify(m)).join('\n') + '\n');
  writeFileSync(join(outDir, 'junit.xml'), junitXml(merged));
  writeFileSync(join(outDir, 'cucumber.html'), await cucumberHtml(merged));
  const notSupported = shardDirs.flatMap((d) => {
    const f = join(d, 'not-supported.json');
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as unknown[]) : [];
  });
  if (notSupported.length)
    writeFileSync(join(outDir, 'not-supported.json'), JSON.stringify(notSupported, null, 2) + '\n');
  for (const d of shardDirs)
    if (existsSync(join(d, 'features')) && resolve(d) !== resolve(outDir))
      cpSync(join(d, 'features'), join(outDir, 'features'), { recursive: true });
  const finishedRun = merged.at(-1)?.testRunFinished;
  return { scenarios: merged.filter((m) => m.testCase).length, success: finishedRun?.success ?? false };
}

const mergeUsage = `usage: lbconform report merge --out DIR SHARD_DIR...
  joins the run folders of "lbconform run --shard i/n" jobs into one report set in DIR:
  junit.xml, cucumber.html, messages.ndjson, not-supported.json, features/ (artifacts), report.json,
  report.yaml, summary.html. Implementation, adapter and tag expression come from the first shard's report.json.
  Exit 0 when every shard passed, 1 when one failed or a folder is unreadable, 2 on usage errors.
`;

export async function runReportMerge(args: string[], io: CommandIO): Promise<number> {
  let values: { out?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    io.stderr.write(`lbconform report merge: ${(err as Error).message}\n${mergeUsage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(mergeUsage);
    return 0;
  }
  if (!values.out || !positionals.length) {
    io.stderr.write(
      `lbconform report merge: --out DIR and at least one SHARD_DIR are required\n${mergeUsage}`,
    );
    return 2;
  }
  try {
    const { scenarios, success } = await mergeRuns(positionals, values.out);
    const first = join(positionals[0]!, 'report.json');
    const previous = existsSync(first)
      ? (JSON.parse(readFileSync(first, 'utf8')) as {
          implementation?: Record<string, string>;
          adapter?: string;
          tagExpression?: string;
        })
      : {};
    const { files, report } = writeAllReportsSync(values.out, {
      ...(previous.implementation ? { implementation: previous.implementation } : {}),
      ...(previous.adapter !== undefined ? { adapter: previous.adapter } : {}),
      ...(previous.tagExpression !== undefined ? { tagExpression: previous.tagExpression } : {}),
    });
    for (const w of reportWarnings(report)) io.stderr.write(`warning: ${w}\n`);
    io.stdout.write(
      `merged ${positionals.length} shard(s): ${scenarios} scenarios, ${success ? 'all passed' : 'FAILED'}\n` +
        [
          'junit.xml',
          'cucumber.html',
          'messages.ndjson',
          ...files.map((f) => f.slice(resolve(values.out!).length + 1)),
        ]
          .map((f) => `wrote ${join(values.out!, f)}\n`)
          .join(''),
    );
    return success ? 0 : 1;
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.stderr.write(`lbconform report merge: ${code ? `${code}: ` : ''}${(err as Error).message}\n`);
    return 1;
  }
}
