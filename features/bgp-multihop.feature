@bgp @ebgp @session @doc-27.2.1
Feature: BGPPeer ebgpMultiHop: the TTL of the speaker's BGP packets
  Like FRR (and so MetalLB), the speaker sends single-hop eBGP with TTL 1 (IPv6: hop limit 1), so a
  peer that is not directly connected is never reached; with `ebgpMultiHop: true` it sends TTL 255.
  The router sits behind a transit router, allows multihop and only listens: the session depends on
  the TTL of the speaker's own packets alone. Without ebgpMultiHop a speaker may also not try at all:
  FRR does not connect to a single-hop IPv4 eBGP peer that is not directly connected (MetalLB disables
  that check for IPv6 only, internal/bgp/frr/config.go mustDisableConnectedCheck); either way the far
  router is never reached.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: multihop
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.32/28
          - 2001:db8:300::/124
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: multihop
        namespace: metallb-system
      """
    And nodes "NodeA", the transit router "transit" and the router "edge" behind it, routed both ways
    And a dual-stack Service "default/web" requesting "203.0.113.33, 2001:db8:300::3" with a ready endpoint on "NodeA"

  Scenario Outline: with ebgpMultiHop the session crosses two hops over <transport>
    Given every node peers with "edge" over eBGP on <transport> transport with ebgpMultiHop true
    When the speaker runs on every node
    Then every node's session with "edge" is Established
    And "edge" has the route "<route>" from "NodeA"

    # A BGPPeer carries the family of its peerAddress (MetalLB FRR mode): the route of that family.
    @ipv4
    Examples: IPv4
      | transport | route           |
      | IPv4      | 203.0.113.33/32 |

    @ipv6
    Examples: IPv6
      | transport | route                |
      | IPv6      | 2001:db8:300::3/128  |

  Scenario Outline: without ebgpMultiHop the packets leave with TTL 1 over <transport> and die at the first hop
    Given every node peers with "edge" over eBGP on <transport> transport with ebgpMultiHop false
    When the speaker runs on every node
    Then "transit" drops the packets of every node for "edge" as TTL expired, and no session comes up

    @ipv4
    Examples: IPv4
      | transport |
      | IPv4      |

    @ipv6
    Examples: IPv6
      | transport |
      | IPv6      |
