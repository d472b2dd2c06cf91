import { Given, When } from '@cucumber/cucumber';
import { nameList } from '../support/constants.ts';
import { syncController } from '../support/controller.ts';
import { serviceFileName, serviceManifest, type ServiceSpec } from '../../harness/scenario/manifests.ts';
import type { LbWorld } from '../support/world.ts';

Given('the documented manifests:', function (this: LbWorld, yaml: string) {
  this.writeManifest('00-documented.yaml', yaml);
});

/** Manifests of the scenario's own (not from the document). */
Given('the manifests:', function (this: LbWorld, yaml: string) {
  this.writeManifest(`05-scenario-${++this.manifestCount}.yaml`, yaml);
});

When('the manifest file {string} is applied:', async function (this: LbWorld, file: string, yaml: string) {
  this.writeManifest(file, yaml);
  await notifySpeakers(this);
});

When('the manifest file {string} is removed', async function (this: LbWorld, file: string) {
  this.removeManifest(file);
  await notifySpeakers(this);
});

function splitName(ref: string): { namespace: string; name: string } {
  const [namespace, name] = ref.includes('/') ? (ref.split('/', 2) as [string, string]) : ['default', ref];
  return { namespace, name };
}

async function putService(world: LbWorld, spec: ServiceSpec): Promise<void> {
  world.services.set(`${spec.namespace}/${spec.name}`, spec);
  world.writeManifest(serviceFileName(spec.namespace, spec.name), serviceManifest(spec));
  await notifySpeakers(world);
}

function existing(world: LbWorld, ref: string): ServiceSpec {
  const { namespace, name } = splitName(ref);
  const s = world.services.get(`${namespace}/${name}`);
  if (!s) throw new Error(`no Service ${namespace}/${name} in this scenario`);
  return s;
}

Given(
  'a dual-stack Service {string} with a ready endpoint on {string}',
  function (this: LbWorld, ref: string, nodes: string) {
    return putService(this, { ...splitName(ref), dualStack: true, readyOn: nameList(nodes) });
  },
);

/** Asks for specific IPs with the metallb.io/loadBalancerIPs annotation (needed for autoAssign: false pools). */
const requesting = function (this: LbWorld, ref: string, ips: string, nodes: string): Promise<void> {
  const list = nameList(ips);
  return putService(this, {
    ...splitName(ref),
    dualStack: list.some((i) => i.includes(':')) && list.some((i) => i.includes('.')),
    ipv6Only: list.every((i) => i.includes(':')),
    readyOn: nameList(nodes),
    annotations: { 'metallb.io/loadBalancerIPs': list.join(',') },
  });
};
Given('a (dual-stack )Service {string} requesting {string} with a ready endpoint on {string}', requesting);
When(
  'a (dual-stack )Service {string} requesting {string} with a ready endpoint on {string} is created',
  requesting,
);

Given(
  'a Service {string} from the pool {string} with a ready endpoint on {string}',
  function (this: LbWorld, ref: string, pool: string, nodes: string) {
    return putService(this, {
      ...splitName(ref),
      dualStack: false,
      readyOn: nameList(nodes),
      annotations: { 'metallb.io/address-pool': pool },
    });
  },
);

Given(
  'a Service {string} with externalTrafficPolicy Local requesting {string} with a ready endpoint on {string}',
  function (this: LbWorld, ref: string, ips: string, nodes: string) {
    return putService(this, {
      ...splitName(ref),
      dualStack: false,
      readyOn: nameList(nodes),
      externalTrafficPolicy: 'Local',
      annotations: { 'metallb.io/loadBalancerIPs': nameList(ips).join(',') },
    });
  },
);

When('the Service {string} now requests {string}', function (this: LbWorld, ref: string, ips: string) {
  const s = existing(this, ref);
  return putService(this, {
    ...s,
    annotations: { ...s.annotations, 'metallb.io/loadBalancerIPs': nameList(ips).join(',') },
  });
});

When(
  "the Service {string}'s ready endpoint moves to {string}",
  function (this: LbWorld, ref: string, nodes: string) {
    return putService(this, { ...existing(this, ref), readyOn: nameList(nodes) });
  },
);

When('the Service {string} is deleted', async function (this: LbWorld, ref: string) {
  const { namespace, name } = splitName(ref);
  this.services.delete(`${namespace}/${name}`);
  this.removeManifest(serviceFileName(namespace, name));
  await notifySpeakers(this);
});

/** The harness's controller writes the Services' status first, then every speaker is told. */
async function notifySpeakers(world: LbWorld): Promise<void> {
  syncController(world);
  await world.driver.configChanged();
}
