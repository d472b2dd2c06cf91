@bfd @bgp @session @ibgp @ipv4
Feature: BFD (RFC 5880/5881): a silent path takes the node's routes away in under a second
  A BGPPeer with `bfdProfile` runs single-hop BFD toward the router (asynchronous mode, UDP 3784, TTL
  255), with the profile's intervals (MetalLB's BFDProfile; its FRR mode renders `neighbor X bfd profile
  P`, internal/bgp/frr/templates). When the path to the node silently stops forwarding (the switch
  disables the node's bridge port: no carrier change at either end), FRR's bfdd notices within
  3 x 100 ms and bgpd withdraws the node's routes at once; without BFD only the 3 s hold time can.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: bfd
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.128/29
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: bfd
        namespace: metallb-system
      spec:
        ipAddressPools: [bfd]
      ---
      apiVersion: metallb.io/v1beta1
      kind: BFDProfile
      metadata:
        name: fast
        namespace: metallb-system
      spec:
        receiveInterval: 100
        transmitInterval: 100
        detectMultiplier: 3
      """
    And nodes "NodeA, NodeB" and the router "tor" on one segment
    And a Service "default/web" requesting "203.0.113.129" with a ready endpoint on "NodeA"

  Scenario: with a 100 ms x 3 profile, FRR withdraws a silent node's routes in under one second, and takes them back once it forwards again
    Given every node peers with "tor" over iBGP with the BFD profile "fast", the router at 100 ms x 3
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.129/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
    And "tor"'s BFD session with every node is up, with the node sending every 100 ms
    When the switch silently drops the frames of "NodeA"
    Then "tor" withdraws the routes of "NodeA" within 1000 ms of the drop
    And "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.129/32 | NodeB     | IGP    | empty   | unset      | none        |
    When the switch forwards the frames of "NodeA" again
    Then "tor"'s BFD session with every node is up, with the node sending every 100 ms
    And "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.129/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |

  Scenario: without BFD the same silent path keeps the routes until the hold time
    Given every node peers with "tor" over iBGP
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.129/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
    When the switch silently drops the frames of "NodeA"
    Then "tor" still has the routes of "NodeA" 2000 ms after the drop
    And "tor" withdraws the routes of "NodeA" within 5000 ms of the drop
    When the switch forwards the frames of "NodeA" again
    Then "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.129/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
