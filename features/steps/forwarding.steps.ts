import { Given, Then, When } from '@cucumber/cucumber';
import { run, runIn } from '../../common/exec.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { nameList } from '../support/constants.ts';
import type { LbWorld } from '../support/world.ts';

/** A host standing in for the workload: holds the Service IP and routes replies back through the node. */
Given(
  '{string} holds the Service IP {string} and answers the second segment through {string}',
  async function (this: LbWorld, host: string, ip: string, node: string) {
    const lab = await this.labUp();
    this.labDirty = true;
    const ns = lab.nsOf(host);
    await run('ip', ['-n', ns, 'addr', 'add', `${ip}/32`, 'dev', 'lo']);
    await run('ip', ['-n', ns, 'route', 'add', '198.51.100.0/24', 'via', this.address(node, 'ipv4')]);
  },
);

/** What kube-proxy provides on a node: the Service IP leads to the workload. */
Given(
  '{string} routes {string} to {string}',
  async function (this: LbWorld, node: string, ip: string, host: string) {
    const lab = await this.labUp();
    this.labDirty = true;
    await run('ip', ['-n', lab.nsOf(node), 'route', 'add', `${ip}/32`, 'via', this.address(host, 'ipv4')]);
  },
);

Given(
  '{string} sends traffic for {string} out of eth0',
  async function (this: LbWorld, host: string, ip: string) {
    const lab = await this.labUp();
    this.labDirty = true;
    await run('ip', ['-n', lab.nsOf(host), 'route', 'replace', `${ip}/32`, 'dev', 'eth0']);
  },
);

async function ping(world: LbWorld, host: string, ip: string): Promise<boolean> {
  const lab = await world.labUp();
  return (await runIn(lab.nsOf(host), 'ping', ['-c', '1', '-W', '1', ip], { allowFail: true })).code === 0;
}

Then('{string} cannot reach {string}', async function (this: LbWorld, host: string, ip: string) {
  for (let i = 0; i < 3; i++) {
    if (await ping(this, host, ip))
      throw new Error(`${host} reached ${ip}, but forwarding is off on the announcing interface`);
  }
});

Then('{string} reaches {string}', async function (this: LbWorld, host: string, ip: string) {
  await eventually(
    `${host} pings ${ip}`,
    async () => {
      if (!(await ping(this, host, ip))) throw new Error(`no reply from ${ip}`);
    },
    { timeoutMs: this.timeouts.l2Answered },
  );
});

/** The document's per-interface prerequisite (27.2.9.1), inside the node's namespace only. */
When(
  'IP forwarding is enabled on {string} for the interfaces {string}, with rp_filter off',
  async function (this: LbWorld, node: string, ifaces: string) {
    const lab = await this.labUp();
    this.labDirty = true;
    const settings = nameList(ifaces).flatMap((i) => [
      `net.ipv4.conf.${i}.forwarding=1`,
      `net.ipv4.conf.${i}.rp_filter=0`,
      `net.ipv6.conf.${i}.forwarding=1`,
    ]);
    await runIn(lab.nsOf(node), 'sysctl', ['-q', '-w', 'net.ipv4.conf.all.rp_filter=0', ...settings]);
  },
);

/** The speaker's own warning (doc 27.2.9): an extra, checked when the SUT declares l2-events. */
Then(
  'the speaker on {string} warns that forwarding is disabled on {string} if it reports events',
  async function (this: LbWorld, node: string, iface: string) {
    if (!this.driver.declares('l2-events')) {
      this.log('l2-events not declared: the warning is not checked');
      return;
    }
    await this.driver.waitForEvent(
      node,
      'l2.forwarding.disabled',
      (e) => e['iface'] === iface,
      this.timeouts.l2Answered,
      `warns l2.forwarding.disabled for ${iface}`,
    );
  },
);
