import { run } from '../../common/exec.ts';
import type { NodeContext, NodeInterface, SystemUnderTest } from './adapter.ts';

interface IpAddrJson {
  ifname?: string;
  address?: string;
  link_type?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number; scope?: string }[];
}

/** `ip -j addr show` -> the node's interfaces with global addresses (loopback left out). Pure. */
export function parseIpAddr(json: string): NodeInterface[] {
  const links = JSON.parse(json) as IpAddrJson[];
  return links
    .filter((l) => l.ifname && l.link_type !== 'loopback')
    .map((l) => ({
      name: l.ifname!,
      ...(l.address ? { mac: l.address } : {}),
      addresses: (l.addr_info ?? [])
        .filter((a) => a.scope === 'global' && a.local)
        .map((a) => `${a.local}/${a.prefixlen}`),
    }));
}

export async function readNodeInterfaces(netns: string): Promise<NodeInterface[]> {
  return parseIpAddr((await run('ip', ['-n', netns, '-j', 'addr', 'show'])).stdout);
}

/** The harness side of NodeContext.interfaces: every adapter gets them, read when the node starts. */
export function withNodeFacts(sut: SystemUnderTest): SystemUnderTest {
  return {
    name: sut.name,
    features: sut.features,
    async start(node: NodeContext) {
      return sut.start({ ...node, interfaces: node.interfaces ?? (await readNodeInterfaces(node.netns)) });
    },
  };
}
