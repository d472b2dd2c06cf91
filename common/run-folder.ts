import { mkdirSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * The layout of one run folder (`lbconform run --out DIR`), in one place: the run command and the
 * hooks write it; reports, compare, soak, mutation and the benches read it.
 */
export const RUN_FILES = {
  junit: 'junit.xml',
  cucumberHtml: 'cucumber.html',
  messages: 'messages.ndjson',
  cucumberSummary: 'summary.txt',
  report: 'report.json',
  reportYaml: 'report.yaml',
  summaryHtml: 'summary.html',
  notSupported: 'not-supported.json',
  /** The system under test as `lbconform run` was told (adapter, start command, capabilities, timeouts). */
  sut: 'sut.json',
} as const;

/** Per-scenario artifacts live under `DIR/features/<feature>/<scenario>/`. */
export const FEATURES_DIR = 'features';

export function runFile(runDir: string, name: keyof typeof RUN_FILES): string {
  return join(runDir, RUN_FILES[name]);
}

/**
 * A folder or file name people can read and every filesystem accepts: letters, digits, `.`, `_`, `-`
 * only, never starting with a dot (so never `.` or `..`, never hidden), at most 150 characters.
 */
export function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+|-+$/g, '')
      .slice(0, 150)
      .replace(/-+$/, '') || 'unnamed'
  );
}

/** `<feature>/<scenario name + first 6 of the pickle id>`, both slugged. */
function scenarioSubfolder(feature: string, name: string, pickleId: string): string {
  return posix.join(slug(feature), slug(`${name} ${pickleId.slice(0, 6)}`));
}

/** A scenario's artifacts folder relative to the run folder: `features/<feature>/<scenario>`. */
export function scenarioFolder(feature: string, name: string, pickleId: string): string {
  return posix.join(FEATURES_DIR, scenarioSubfolder(feature, name, pickleId));
}

/** The same folder under `featuresDir` (`<runDir>/features`), created; nothing can escape it. */
export function scenarioDir(featuresDir: string, feature: string, name: string, pickleId: string): string {
  const dir = join(featuresDir, scenarioSubfolder(feature, name, pickleId));
  mkdirSync(dir, { recursive: true });
  return dir;
}
