/**
 * `bin/metallb-frr-speaker --node NAME MANIFEST_DIR`: a second, independent speaker in the style of
 * MetalLB's FRR mode. Manifests are parsed and validated with reference/config; the routes come from
 * desired.ts (MetalLB's speaker logic, not reference/plan); the Services' IPs from their
 * `status.loadBalancer.ingress` (service-ips.ts, no allocation); FRR holds the sessions.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCodedError } from '../../common/errors.ts';
import { jsonLogger } from '../../common/log.ts';
import { formatError } from '../../reference/config/errors.ts';
import { loadTexts, readManifests } from '../../reference/config/load.ts';
import { parseCommandArgs, type CommandIO } from '../../reference/commands/io.ts';
import { watchPaths } from '../../reference/speaker/watch-paths.ts';
import { startFrrDaemons, type FrrDaemons } from '../../common/frr-daemons.ts';
import {
  FRR_SPEAKER_OPTIONS,
  serialReload,
  speakerLifetime,
  speakerLogDir,
} from '../../common/frr-speaker.ts';
import { desiredConfig, type FrrConfig } from './desired.ts';
import { renderConfig, renderReload, type RenderOptions } from './render.ts';
import { serviceIPs } from './service-ips.ts';

export const usage = `usage: metallb-frr-speaker --node NAME [--namespace NS] [--log-dir DIR] [--frr-bin DIR]
                           [--connect-retry S] [--lb-class CLASS] MANIFEST_FILE_OR_DIR...

A BGP speaker in the style of MetalLB's FRR mode, for one node (run it inside the node's network
namespace, as root). It announces the IPs the controller wrote into each Service's
status.loadBalancer.ingress (it never allocates; only Services of its --lb-class, by default those
without a loadBalancerClass), renders MetalLB's FRR configuration (one neighbour
per BGPPeer, active only in its address family unless dualStackAddressFamily; prefix-lists and
route-maps per neighbour; no local-preference when localPref is 0) and runs zebra and bgpd without a
BGP listener. Changes (folder or SIGHUP) are applied with vtysh; SIGTERM shuts the neighbours down
(Cease) and stops FRR. Logs are JSON lines on stderr (config.applied, config.rejected, ...).`;

export async function main(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    { ...FRR_SPEAKER_OPTIONS, 'lb-class': { type: 'string' } } as const,
    usage,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const connectRetry = Number(values['connect-retry']);
  if (!values.node || positionals.length === 0 || !(Number.isInteger(connectRetry) && connectRetry >= 1)) {
    io.stderr.write(`--node, a manifest path and a whole --connect-retry >= 1 are required\n${usage}\n`);
    return 2;
  }
  const node = values.node;
  const log = jsonLogger().child({ node, sut: 'metallb-frr' });
  const { logDir, temporary: tempLogs, clean: cleanLogs } = speakerLogDir(values['log-dir'], 'mlbfrr');
  const opts: RenderOptions = { logFile: join(logDir, 'bgpd.log'), connectRetry, routeMapDelay: 0 };
  let running = false;
  const compute = async (): Promise<{ config: FrrConfig; text: string } | undefined> => {
    const keeping = running ? 'the last applied configuration' : 'nothing (no valid config yet)';
    const { texts, errors: readErrors } = await readManifests(positionals);
    const { config, errors } = loadTexts(texts, readErrors, { namespace: values.namespace! });
    if (!config || errors.length) {
      log.error('config.rejected', { errors: errors.map(formatError), keeping });
      return undefined;
    }
    try {
      const ips = serviceIPs(config.services, values['lb-class']);
      const desired = desiredConfig(config, ips, node);
      return { config: desired, text: renderConfig(desired, opts) };
    } catch (err) {
      log.error('config.rejected', {
        errors: [(err as Error).message],
        keeping,
        ...(isCodedError(err) ? { code: err.code } : {}),
      });
      return undefined;
    }
  };

  const early = (): void => {}; // SIGHUP while FRR starts: picked up by the reload below
  process.on('SIGHUP', early);
  log.info('speaker.starting', { paths: positionals, pid: process.pid, logDir });
  const first = await compute();
  if (!first) {
    io.stderr.write('metallb-frr-speaker: the configuration is invalid; nothing announced\n');
    cleanLogs();
    return 1;
  }
  writeFileSync(join(logDir, 'frr.conf'), first.text);
  let frr: FrrDaemons;
  try {
    // As MetalLB's FRR container runs them (config/frr/frr-cm.yaml: `bgpd_options=-A 127.0.0.1 -p 0`).
    frr = await startFrrDaemons({
      hostname: node,
      // frr.tmpl's zebra lines: next hops may resolve over a default route.
      zebraLines: ['ip nht resolve-via-default', 'ipv6 nht resolve-via-default'],
      bgpdConf: first.text,
      // -p 0: no BGP listener, bgpd only connects out (MetalLB); -n: never install routes in the kernel.
      bgpdArgs: ['-p', '0', '-n'],
      logDir,
      frrBin: values['frr-bin']!,
      readyTimeoutMs: 10_000,
      log,
      name: 'mlbfrr',
      codePrefix: 'METALLB_FRR',
      ...(tempLogs ? { removeOnDeath: [logDir] } : {}),
    });
  } catch (err) {
    log.error('frr.start.failed', { error: err as Error });
    cleanLogs();
    return 1;
  }
  running = true;
  let applied = first.config;
  for (const w of applied.warnings) log.warn('config.warning', { warning: w });
  log.info('config.applied', { change: 'start', ...summary(applied) });

  let reloads = 0;
  let fatal: (why: string) => void = () => {};
  const reloadNow = async (): Promise<void> => {
    const next = await compute();
    if (!next) return;
    let change: string | undefined;
    try {
      change = renderReload(applied, next.config, opts);
    } catch (err) {
      log.error('config.rejected', {
        errors: [(err as Error).message],
        keeping: 'the last applied configuration',
      });
      return;
    }
    if (!change) {
      applied = next.config;
      return;
    }
    const file = join(logDir, `reload-${String(++reloads).padStart(4, '0')}.conf`);
    writeFileSync(file, change);
    try {
      await frr.applyFile(file);
    } catch (err) {
      log.error('frr.reload.failed', { file, error: err as Error, fallback: 'bgpd restarted' });
      try {
        await frr.restartBgpd(next.text);
      } catch (restartErr) {
        fatal(`bgpd could not be restarted: ${(restartErr as Error).message}`);
        return;
      }
    }
    applied = next.config;
    writeFileSync(join(logDir, 'frr.conf'), next.text);
    for (const w of applied.warnings) log.warn('config.warning', { warning: w });
    log.info('config.applied', { change: file, ...summary(applied) });
  };
  const { reload, idle } = serialReload(reloadNow, log);
  const watcher = watchPaths(positionals, reload);
  process.on('SIGHUP', reload);
  process.off('SIGHUP', early);
  reload(); // whatever changed while FRR started

  const lifetime = speakerLifetime({
    log,
    frr,
    quiesce: async () => {
      watcher.close();
      await idle();
    },
    neighbours: () => {
      const r = applied.routers[0];
      return r && { asn: r.myASN, addresses: r.neighbors.map((n) => n.addr) };
    },
    cleanup: cleanLogs,
  });
  fatal = lifetime.fatal;
  return lifetime.exited;
}

function summary(c: FrrConfig): Record<string, unknown> {
  const ns = c.routers.flatMap((r) => r.neighbors);
  return {
    peers: ns.map((n) => n.peer),
    prefixes: ns.reduce((k, n) => k + n.prefixesV4.length + n.prefixesV6.length, 0),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(await main(process.argv.slice(2), process));
}
