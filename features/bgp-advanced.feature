@bgp @S2 @doc-27.2.3 @dualstack
Feature: S2 · Advanced BGP advertisement: aggregation and communities (doc 27.2.3)
  Two advertisements select one pool: adv-1 sends each Service IP as a host route with NO_ADVERTISE
  (65535:65282) and localPref 100; adv-2 sends the /30 (/124 for IPv6) aggregate with 8000:800. The
  router uses the host routes but must not pass them on (`core` never sees them); it passes the
  aggregates on. Aggregates are de-duplicated: one route per node however many Services share it, and
  withdrawn only when the last Service that produces them goes.

  Background:
    Given the documented manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: doc-example-bgp-adv
        labels:
          zone: east
      spec:
        addresses:
          - 203.0.113.200/30
          - fc00:f853:ccd:e799::/124
        autoAssign: false
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: bgpadvertisement-adv-1
        namespace: metallb-system
      spec:
        ipAddressPools:
          - doc-example-bgp-adv
        communities:
          - 65535:65282
        aggregationLength: 32
        localPref: 100
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: bgpadvertisement-adv-2
        namespace: metallb-system
      spec:
        ipAddressPools:
          - doc-example-bgp-adv
        communities:
          - 8000:800
        aggregationLength: 30
        aggregationLengthV6: 124
      """
    And nodes "NodeA, NodeB" and the router "tor" on one segment
    And the router "core" behind "tor"

  Scenario Outline: host routes stay at the first router, aggregates go on, and both are de-duplicated over <session>
    Given every node peers with "tor" over <session>
    And "tor" peers with "core" over eBGP
    And a dual-stack Service "default/svc-1" requesting "203.0.113.200, fc00:f853:ccd:e799::1" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And the sessions between "tor" and "core" are Established
    And "tor" has exactly these routes:
      | prefix                   | next hops    | origin | as path   | local pref   | communities |
      | 203.0.113.200/32         | NodeA, NodeB | IGP    | <as path> | <lp 100>     | 65535:65282 |
      | 203.0.113.200/30         | NodeA, NodeB | IGP    | <as path> | <lp 0>       | 8000:800    |
      | fc00:f853:ccd:e799::1/128 | NodeA, NodeB | IGP   | <as path> | <lp 100>     | 65535:65282 |
      | fc00:f853:ccd:e799::/124 | NodeA, NodeB | IGP    | <as path> | <lp 0>       | 8000:800    |
    And "core" has exactly these routes:
      | prefix                   | next hops | origin | as path        | local pref | communities |
      | 203.0.113.200/30         | tor       | IGP    | <core as path> | absent     | 8000:800    |
      | fc00:f853:ccd:e799::/124 | tor       | IGP    | <core as path> | absent     | 8000:800    |
    When a dual-stack Service "default/svc-2" requesting "203.0.113.201, fc00:f853:ccd:e799::2" with a ready endpoint on "NodeB" is created
    Then "tor" has exactly these routes:
      | prefix                    | next hops    | origin | as path   | local pref | communities |
      | 203.0.113.200/32          | NodeA, NodeB | IGP    | <as path> | <lp 100>   | 65535:65282 |
      | 203.0.113.201/32          | NodeA, NodeB | IGP    | <as path> | <lp 100>   | 65535:65282 |
      | 203.0.113.200/30          | NodeA, NodeB | IGP    | <as path> | <lp 0>     | 8000:800    |
      | fc00:f853:ccd:e799::1/128 | NodeA, NodeB | IGP    | <as path> | <lp 100>   | 65535:65282 |
      | fc00:f853:ccd:e799::2/128 | NodeA, NodeB | IGP    | <as path> | <lp 100>   | 65535:65282 |
      | fc00:f853:ccd:e799::/124  | NodeA, NodeB | IGP    | <as path> | <lp 0>     | 8000:800    |
    When the Service "default/svc-1" is deleted
    Then "tor" has exactly these routes:
      | prefix                    | next hops    | origin | as path   | local pref | communities |
      | 203.0.113.201/32          | NodeA, NodeB | IGP    | <as path> | <lp 100>   | 65535:65282 |
      | 203.0.113.200/30          | NodeA, NodeB | IGP    | <as path> | <lp 0>     | 8000:800    |
      | fc00:f853:ccd:e799::2/128 | NodeA, NodeB | IGP    | <as path> | <lp 100>   | 65535:65282 |
      | fc00:f853:ccd:e799::/124  | NodeA, NodeB | IGP    | <as path> | <lp 0>     | 8000:800    |
    When the Service "default/svc-2" is deleted
    Then "tor" has no routes
    And "core" has no routes

    @ibgp @ipv4 @ipv6
    Examples: iBGP between nodes and tor
      | session | as path | lp 100 | lp 0 | core as path |
      | iBGP    | empty   | 100    | unset | 64500        |

    @ebgp @ipv4 @ipv6
    Examples: eBGP between nodes and tor (4-octet ASN)
      | session | as path | lp 100 | lp 0   | core as path     |
      | eBGP    | 64500   | absent | absent | 4200000000 64500 |
