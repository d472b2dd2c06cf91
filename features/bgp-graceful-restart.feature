@graceful-restart @bgp @session @ibgp @ipv4
Feature: Graceful restart (RFC 4724): a restarting speaker's routes stay and keep forwarding
  With enableGracefulRestart on a BGPPeer (MetalLB's FRR mode: `neighbor X graceful-restart` and
  `bgp graceful-restart preserve-fw-state`, internal/bgp/frr/templates), the speaker offers the graceful
  restart capability with the forwarding-state bit. When it goes away without Cease (killed, or stopped
  for a restart), FRR keeps its routes as stale past the hold time and traffic to the Service keeps
  flowing; when it is back it announces what it has now and sends End-of-RIB, and FRR flushes the stale
  routes it did not announce again. Without the flag the routes go at once.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: gr
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.120/29
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: gr
        namespace: metallb-system
      spec:
        ipAddressPools: [gr]
      """
    And nodes "NodeA" and the router "tor" on one segment

  Scenario Outline: the speaker <goes>: FRR keeps the routes stale, pings keep flowing, End-of-RIB flushes the Service deleted meanwhile
    Given every node peers with "tor" over iBGP with graceful restart
    And a Service "default/web" requesting "203.0.113.121" with a ready endpoint on "NodeA"
    And a Service "default/old" requesting "203.0.113.122" with a ready endpoint on "NodeA"
    And "NodeA" holds "203.0.113.121" locally
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.121/32 | NodeA     | IGP    | empty   | unset      | none        |
      | 203.0.113.122/32 | NodeA     | IGP    | empty   | unset      | none        |
    When "tor" starts pinging "203.0.113.121"
    And the speaker on "NodeA" <stops>
    Then "tor" keeps "203.0.113.121/32, 203.0.113.122/32" from "NodeA" as stale for 5 seconds
    When the Service "default/old" is deleted
    And the speaker on "NodeA" starts again
    Then "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.121/32 | NodeA     | IGP    | empty   | unset      | none        |
    And no route at "tor" is stale
    And "tor" lost no ping to "203.0.113.121" and got at least 50 replies

    Examples:
      | goes                      | stops                                  |
      | is killed                 | is killed with SIGKILL                 |
      | stops for a restart       | stops for a restart, without Cease     |

  Scenario: without enableGracefulRestart a killed speaker's routes go at once
    Given every node peers with "tor" over iBGP
    And a Service "default/web" requesting "203.0.113.121" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.121/32 | NodeA     | IGP    | empty   | unset      | none        |
    When the speaker on "NodeA" is killed with SIGKILL
    Then "tor" has no routes well before the hold time
