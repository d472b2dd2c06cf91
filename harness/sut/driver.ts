import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../../common/errors.ts';
import { eventually } from '../wait/eventually.ts';
import type { L2Status, SpeakerHandle, SystemUnderTest } from './adapter.ts';
import { capabilityOf, parseEvents, type EventName, type SpeakerEvent } from './events.ts';

/** What a scenario gives the driver: where things are, and how to reach a node's namespace. */
export interface DriverContext {
  sut: SystemUnderTest;
  netnsOf(node: string): Promise<string>;
  manifestDir: string;
  /** The scenario's artifact folder: speaker output goes to `speaker-<node>.log` there. */
  scenarioDir: string;
  l2Secret: string;
  /** `l2-periodic`: the periodic gratuitous interval (ms) the scenario asks for, read at each start. */
  l2GratuitousIntervalMs?(): number | undefined;
}

/**
 * The one owner of the system under test in a scenario: it starts, restarts, stops and kills the
 * speaker on each node, tells it about manifest changes, and is the only reader of what the speaker
 * itself reports (events from its output, layer 2 status). Steps observe the SUT through the routers,
 * the wire and the hosts; what only the speaker can say goes through here, and only when the SUT
 * declares the capability (DRIVER_UNDECLARED otherwise: a step must check `declares` first).
 */
export class SpeakerDriver {
  private readonly handles = new Map<string, SpeakerHandle>();
  private readonly everStarted = new Set<string>();
  /** Set by every start: the next route check must allow for session establishment. */
  sessionsPending = false;

  constructor(private readonly ctx: DriverContext) {}

  /** Speakers running now, by node. */
  get running(): ReadonlyMap<string, SpeakerHandle> {
    return this.handles;
  }

  has(node: string): boolean {
    return this.handles.has(node);
  }

  declares(capability: string): boolean {
    return this.ctx.sut.features.includes(capability);
  }

  logFile(node: string): string {
    return join(this.ctx.scenarioDir, `speaker-${node}.log`);
  }

  async start(node: string): Promise<void> {
    if (this.handles.has(node))
      throw new CodedError('DRIVER_ALREADY_RUNNING', `the speaker on ${node} is running`);
    const handle = await this.ctx.sut.start({
      name: node,
      netns: await this.ctx.netnsOf(node),
      manifestDir: this.ctx.manifestDir,
      logFile: this.logFile(node),
      l2Secret: this.ctx.l2Secret,
      ...(this.ctx.l2GratuitousIntervalMs?.()
        ? { l2GratuitousIntervalMs: this.ctx.l2GratuitousIntervalMs() }
        : {}),
    });
    this.handles.set(node, handle);
    this.everStarted.add(node);
    this.sessionsPending = true;
  }

  async startAll(nodes: string[]): Promise<void> {
    await Promise.all(nodes.map((n) => this.start(n)));
  }

  private take(node: string): SpeakerHandle {
    const h = this.handles.get(node);
    if (!h) throw new CodedError('DRIVER_NOT_RUNNING', `no speaker runs on ${node}`);
    this.handles.delete(node);
    return h;
  }

  /** SIGTERM; resolves when the process is gone (SIGKILL after the adapter's grace period). */
  async stop(node: string): Promise<void> {
    await this.take(node).stop();
  }

  /** Stop for a restart without Cease (capability `graceful-restart`): peers keep the routes stale. */
  async stopForRestart(node: string): Promise<void> {
    const h = this.handles.get(node);
    if (!h) throw new CodedError('DRIVER_NOT_RUNNING', `no speaker runs on ${node}`);
    if (!h.stopForRestart)
      throw new CodedError(
        'DRIVER_UNDECLARED',
        `the system under test cannot stop ${node}'s speaker for a restart`,
      );
    this.handles.delete(node);
    await h.stopForRestart();
  }

  /** SIGKILL: abrupt death. */
  async kill(node: string): Promise<void> {
    await this.take(node).kill();
  }

  async restart(node: string, how: 'stop' | 'kill'): Promise<void> {
    await (how === 'stop' ? this.stop(node) : this.kill(node));
    await this.start(node);
  }

  async stopAll(): Promise<string[]> {
    const problems: string[] = [];
    await Promise.all(
      [...this.handles.keys()].map(async (n) => {
        try {
          await this.stop(n);
        } catch (err) {
          problems.push(`stop speaker ${n}: ${(err as Error).message}`);
        }
      }),
    );
    return problems;
  }

  /** The manifests changed: every running speaker is told. */
  async configChanged(): Promise<void> {
    await Promise.all([...this.handles.values()].map((h) => h.configChanged()));
  }

  /** The speaker's process is still there (it did not crash). */
  isAlive(node: string): boolean {
    const h = this.handles.get(node);
    if (!h) return false;
    try {
      process.kill(h.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Events of one name the speaker on `node` reported (all its starts), optionally from `sinceMs` on. */
  events(node: string, name: EventName, sinceMs?: number): SpeakerEvent[] {
    const capability = capabilityOf(name);
    if (!this.declares(capability))
      throw new CodedError(
        'DRIVER_UNDECLARED',
        `${name} needs the capability ${capability}, which ${this.ctx.sut.name} does not declare`,
      );
    const file = this.logFile(node);
    const all = existsSync(file) ? parseEvents(readFileSync(file, 'utf8')) : [];
    return all.filter((e) => e.event === name && (sinceMs === undefined || (e.at ?? 0) >= sinceMs));
  }

  /** Waits for an event matching `match`; the failure names what was seen instead. */
  async waitForEvent(
    node: string,
    name: EventName,
    match: (e: SpeakerEvent) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<SpeakerEvent> {
    let found: SpeakerEvent | undefined;
    await eventually(
      `${node}: ${what}`,
      async () => {
        const seen = this.events(node, name);
        found = seen.find(match);
        if (!found) throw new Error(`${seen.length} ${name} event(s), none matching`);
      },
      { timeoutMs, intervalMs: 50 },
    );
    return found!;
  }

  /** Layer 2 membership as the speaker on `node` reports it (`l2-status`). */
  async l2Status(node: string): Promise<L2Status | undefined> {
    if (!this.declares('l2-status'))
      throw new CodedError('DRIVER_UNDECLARED', `${this.ctx.sut.name} does not declare l2-status`);
    const h = this.handles.get(node);
    if (!h?.l2Status) return undefined;
    return h.l2Status();
  }

  /** The end of each speaker's output, for a failed scenario's message. */
  tails(lines = 8): string {
    return [...this.everStarted]
      .map((node) => {
        const file = this.logFile(node);
        const text = existsSync(file)
          ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines)
          : ['(no output)'];
        return `--- speaker ${node} (last lines of ${file})\n${text.join('\n')}`;
      })
      .join('\n');
  }
}
