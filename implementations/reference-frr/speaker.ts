/**
 * `lbconform frr-speaker --node NAME MANIFEST...`: the reference-frr system under test. The same
 * manifests and the same plan as the reference speaker (reference/config, reference/plan), but FRR's
 * bgpd is the BGP speaker: the plan becomes an FRR configuration (model.ts, render.ts), bgpd and zebra
 * run in the namespace this process runs in, and changes are applied in place with `vtysh -f`.
 */
import { execFileSync } from 'node:child_process';
import type { NetworkInterfaceInfo } from 'node:os';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLogger, type Logger } from '../../common/log.ts';
import { isCodedError } from '../../common/errors.ts';
import { loadManifests } from '../../reference/config/load.ts';
import { formatError } from '../../reference/config/errors.ts';
import { allocate } from '../../reference/allocate/allocate.ts';
import { computePlan, peersForNode, routesForNode } from '../../reference/plan/index.ts';
import { localEndpointFor } from '../../reference/speaker/local-addresses.ts';
import { watchPaths } from '../../reference/speaker/watch-paths.ts';
import { parseCommandArgs, type CommandIO as Io } from '../../reference/commands/io.ts';
import { buildModel, type FrrModel } from './model.ts';
import {
  initialApplied,
  renderBfdProfiles,
  renderFrrConf,
  renderReload,
  type Applied,
  type RenderOptions,
} from './render.ts';
import { startFrrDaemons, type FrrDaemons } from '../../common/frr-daemons.ts';
import {
  FRR_SPEAKER_OPTIONS,
  serialReload,
  speakerLifetime,
  speakerLogDir,
} from '../../common/frr-speaker.ts';
import { observeNeighbors, type FrrNeighborJson } from './observer.ts';
import { parseIpAddr } from '../../harness/sut/node-facts.ts';

export const frrSpeakerUsage = `usage: lbconform frr-speaker --node NAME [--namespace NS] [--log-dir DIR] [--frr-bin DIR]
                             [--connect-retry S] [--poll-ms N] MANIFEST_FILE_OR_DIR...

Runs FRR (zebra + bgpd) as the BGP speaker of one node, from the same manifests and plan as the
reference speaker (start it inside the node's network namespace, as root). Each BGPPeer becomes a
neighbour with its timers, password, port, source address and multi-hop; each peer's routes become
'network' statements behind a per-peer route-map (prefix-lists; communities, large communities and
LOCAL_PREF per class of routes; everything else denied). A manifest change (or SIGHUP) is applied in
place with 'vtysh -f': only neighbours whose routes changed get a new policy, sessions stay up.
SIGTERM shuts every neighbour down (Cease) and stops the daemons; SIGUSR2 (a restart) kills bgpd
without a NOTIFICATION, so neighbours with graceful restart keep the routes. Layer 2 is not implemented.

--log-dir DIR   FRR's logs and the applied configurations (frr.conf, reload-NNNN.conf) go here
                (default: a temporary folder removed on exit)
Logs are JSON lines on stderr, the reference speaker's events (config.applied, config.rejected,
bgp.session.state, bgp.route-refresh, bgp.hold-timer.expired, ...).`;

export async function runFrrSpeaker(args: string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    { ...FRR_SPEAKER_OPTIONS, 'poll-ms': { type: 'string', default: '500' } },
    frrSpeakerUsage,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const connectRetry = Number(values['connect-retry']);
  const pollMs = Number(values['poll-ms']);
  const problem = !values.node
    ? '--node is required'
    : positionals.length === 0
      ? 'at least one manifest file or directory is required'
      : !(Number.isInteger(connectRetry) && connectRetry >= 1)
        ? '--connect-retry must be a whole number of seconds >= 1'
        : !(pollMs >= 50)
          ? '--poll-ms must be >= 50'
          : undefined;
  if (problem) {
    io.stderr.write(`${problem}\n${frrSpeakerUsage}\n`);
    return 2;
  }
  const missing = positionals.filter((p) => !existsSync(p));
  if (missing.length) {
    io.stderr.write(`no such file or directory: ${missing.join(', ')}\n`);
    return 2;
  }
  const node = values.node!;
  const log = jsonLogger().child({ node, sut: 'reference-frr' });
  const { logDir, temporary: tempLogs, clean: cleanLogs } = speakerLogDir(values['log-dir'], 'lbcfrr');
  const opts: RenderOptions = { logFile: join(logDir, 'bgpd.log'), connectRetry };
  // Kept across reloads: a link going down must not change (or lose) the router id.
  let routerIdInUse: string | undefined;
  const compute = (): Promise<FrrModel | undefined> =>
    desiredModel(node, positionals, values.namespace!, log, routerIdInUse);

  // SIGHUP's default action would kill us while FRR starts; a change then is picked up below.
  const early = (): void => {};
  process.on('SIGHUP', early);
  log.info('speaker.starting', { paths: positionals, namespace: values.namespace, pid: process.pid, logDir });
  const first = await compute();
  if (!first) {
    io.stderr.write(
      'lbconform frr-speaker: the configuration is invalid; nothing announced (see the config.rejected log line)\n',
    );
    cleanLogs();
    return 1;
  }
  let applied: Applied = initialApplied(first);
  routerIdInUse = first.router?.routerId;
  let conf: string;
  try {
    conf = renderFrrConf(applied, opts);
  } catch (err) {
    rejected(log, [(err as Error).message], err);
    io.stderr.write(
      'lbconform frr-speaker: the configuration cannot be rendered for FRR; nothing announced (see config.rejected)\n',
    );
    cleanLogs();
    return 1;
  }
  writeFileSync(join(logDir, 'frr.conf'), conf);
  let frr: FrrDaemons;
  try {
    frr = await startFrrDaemons({
      hostname: node,
      bgpdConf: conf,
      bfddConf: [
        // nothing from outside the checked model: bfdd's output goes to bfdd.stdout.log
        ...renderBfdProfiles(first),
        '!',
        '',
      ].join('\n'),
      logDir,
      frrBin: values['frr-bin']!,
      readyTimeoutMs: 10_000,
      log,
      name: 'lbcfrr',
      // -n: bgpd never installs routes in the node's kernel (and the inbound policy accepts none anyway).
      bgpdArgs: ['-n'],
      ...(tempLogs ? { removeOnDeath: [logDir] } : {}),
    });
  } catch (err) {
    log.error('frr.start.failed', { error: err as Error });
    cleanLogs();
    return 1;
  }
  applying = true;
  configApplied(log, applied.model);

  const names = (): ReadonlyMap<string, string> =>
    new Map(applied.model.neighbors.map((n) => [n.address, n.peer]));
  const observer = observeNeighbors(
    () => frr.json<Record<string, FrrNeighborJson>>('show bgp neighbors json'),
    names,
    log,
    pollMs,
  );

  let reloads = 0;
  // Set once the stop logic exists: a speaker without a bgpd must exit, not pretend.
  let fatal: (why: string) => void = () => {};
  const reloadNow = async (): Promise<void> => {
    const model = await compute();
    if (!model) return;
    let change: ReturnType<typeof renderReload>;
    try {
      change = renderReload(applied, model, opts);
    } catch (err) {
      rejected(log, [String((err as Error).message)], err);
      return;
    }
    if (!change) {
      configApplied(log, model, 'unchanged');
      applied = { ...applied, model };
      return;
    }
    const file = join(logDir, `reload-${String(++reloads).padStart(4, '0')}.conf`);
    // bfdd's profiles first (idempotent), so a neighbour can name one added by this change
    const bfd = renderBfdProfiles(model);
    writeFileSync(file, bfd.length ? `${bfd.join('\n')}\n${change.text}` : change.text);
    try {
      await frr.applyFile(file);
    } catch (err) {
      // The running state is unknown now: start bgpd again from the whole configuration.
      log.error('frr.reload.failed', {
        file,
        error: err as Error,
        fallback: 'bgpd restarted with the full configuration',
      });
      try {
        await frr.restartBgpd(renderFrrConf(change.applied, opts));
      } catch (restartErr) {
        fatal(`bgpd could not be restarted: ${(restartErr as Error).message}`);
        return;
      }
    }
    applied = change.applied;
    routerIdInUse = model.router?.routerId ?? routerIdInUse;
    writeFileSync(join(logDir, 'frr.conf'), renderFrrConf(applied, opts));
    configApplied(log, model, file);
  };
  const { reload, idle } = serialReload(reloadNow, log);
  const watcher = watchPaths(positionals, reload);
  process.on('SIGHUP', reload);
  process.off('SIGHUP', early);
  // Whatever changed while FRR was starting (no watcher yet) is applied now; no change is a no-op.
  reload();

  const lifetime = speakerLifetime({
    log,
    frr,
    quiesce: async () => {
      watcher.close();
      await idle();
      await observer.stop();
    },
    // Cease to every peer first: they drop our routes at once, as on the reference.
    neighbours: () => {
      const router = applied.model.router;
      return router && { asn: router.asn, addresses: applied.model.neighbors.map((n) => n.address) };
    },
    cleanup: cleanLogs,
  });
  // A stop for a restart: bgpd dies without a NOTIFICATION (as when killed), so neighbours with
  // graceful restart keep our routes until the next bgpd sends End-of-RIB.
  process.on('SIGUSR2', () => lifetime.stop('SIGUSR2', 0, { restart: true }));
  fatal = lifetime.fatal;
  return lifetime.exited;
}

/** Manifests -> the FRR model of this node, or undefined (logged as config.rejected). */
async function desiredModel(
  node: string,
  paths: string[],
  namespace: string,
  log: Logger,
  previousRouterId: string | undefined,
): Promise<FrrModel | undefined> {
  const { config, errors } = await loadManifests(paths, { namespace });
  if (!config || errors.length) {
    rejected(log, errors.map(formatError));
    return undefined;
  }
  try {
    const allocation = allocate(config);
    const plan = computePlan(config, allocation.allocations, { serviceErrors: allocation.errors });
    const interfaces = namespaceInterfaces();
    const model = buildModel(
      node,
      peersForNode(config, node),
      routesForNode(plan, node),
      {
        ipv4For: (peer, source) => {
          try {
            return localEndpointFor(peer, source, interfaces).v4;
          } catch {
            return undefined;
          }
        },
      },
      previousRouterId,
    );
    model.warnings.push(...plan.warnings);
    for (const p of config.peers) {
      if (p.vrf) model.warnings.push(`BGPPeer ${p.name}: vrf is not implemented by reference-frr; ignored`);
    }
    return model;
  } catch (err) {
    rejected(log, [`${(err as Error).message}${isCodedError(err) ? ` [${err.code}]` : ''}`], err);
    return undefined;
  }
}

let applying = false;

function rejected(log: Logger, errors: string[], err?: unknown): void {
  log.error('config.rejected', {
    errors,
    keeping: applying ? 'the last applied configuration' : 'nothing (no valid config yet)',
    ...(err && isCodedError(err) ? { code: err.code } : {}),
  });
}

function configApplied(log: Logger, m: FrrModel, change = 'start'): void {
  const routes = m.neighbors.reduce(
    (n, x) => n + x.policy.reduce((k, c) => k + c.v4.length + c.v6.length, 0),
    0,
  );
  log.info('config.applied', {
    change,
    peers: m.neighbors.map((n) => n.peer),
    routes,
    networks: m.networks.v4.length + m.networks.v6.length,
  });
  for (const w of m.warnings) log.warn('config.warning', { warning: w });
}

/**
 * This namespace's addresses from `ip -j addr`, in os.networkInterfaces() form. Not
 * os.networkInterfaces() itself: it leaves out interfaces whose link is down, and a down link must
 * not make the configuration unusable.
 */
function namespaceInterfaces(): NodeJS.Dict<NetworkInterfaceInfo[]> {
  const out: NodeJS.Dict<NetworkInterfaceInfo[]> = {};
  for (const i of parseIpAddr(execFileSync('ip', ['-j', 'addr', 'show'], { encoding: 'utf8' }))) {
    out[i.name] = i.addresses.map((cidr) => {
      const address = cidr.split('/')[0]!;
      const v6 = address.includes(':');
      return {
        address,
        cidr,
        netmask: '',
        mac: i.mac ?? '',
        internal: false,
        ...(v6 ? { family: 'IPv6' as const, scopeid: 0 } : { family: 'IPv4' as const }),
      };
    });
  }
  return out;
}
