@faults @bgp @session @ipv4 @doc-27.2.1
Feature: Faults: every route comes back after links, speakers and routers fail, and nothing stale stays
  What runs in a cluster fails: a node's cable is pulled, a speaker is killed, a router dies, and the
  cluster keeps changing meanwhile. After each fault the router must hold exactly what the current
  manifests say, with every attribute: no route lost, none left over from before the fault.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: faults
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.112/28
          - 2001:db8:300::/112
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: faults
        namespace: metallb-system
      spec:
        ipAddressPools: [faults]
      """
    And nodes "NodeA, NodeB" and the router "tor" on one segment

  @ibgp @ipv6 @dualstack
  Scenario: a node's link goes down and comes back: its routes leave and return, the other node's stay
    Given every node peers with "tor" over iBGP
    And a dual-stack Service "default/web" requesting "203.0.113.113, 2001:db8:300::113" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix                | next hops    | origin | as path | local pref | communities |
      | 203.0.113.113/32      | NodeA, NodeB | IGP    | empty   | unset      | none        |
      | 2001:db8:300::113/128 | NodeA, NodeB | IGP    | empty   | unset      | none        |
    When the link of "NodeA" toward "tor" goes down
    Then the session of "NodeA" with "tor" is down at the router
    And "tor" has exactly these routes:
      | prefix                | next hops | origin | as path | local pref | communities |
      | 203.0.113.113/32      | NodeB     | IGP    | empty   | unset      | none        |
      | 2001:db8:300::113/128 | NodeB     | IGP    | empty   | unset      | none        |
    When the link of "NodeA" toward "tor" comes back up
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix                | next hops    | origin | as path | local pref | communities |
      | 203.0.113.113/32      | NodeA, NodeB | IGP    | empty   | unset      | none        |
      | 2001:db8:300::113/128 | NodeA, NodeB | IGP    | empty   | unset      | none        |

  @ebgp
  Scenario: a speaker killed with SIGKILL loses its routes at the router and announces them again once restarted
    Given every node peers with "tor" over eBGP
    And a Service "default/web" requesting "203.0.113.114" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.114/32 | NodeA, NodeB | IGP    | 64500   | absent     | none        |
    When the speaker on "NodeA" is killed with SIGKILL
    Then the session of "NodeA" with "tor" is down at the router
    And "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.114/32 | NodeB     | IGP    | 64500   | absent     | none        |
    When the speaker on "NodeA" starts again
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.114/32 | NodeA, NodeB | IGP    | 64500   | absent     | none        |

  @ibgp
  Scenario: a router whose daemons are killed with SIGKILL gets every route again once restarted
    Given every node peers with "tor" over iBGP
    And a Service "default/web" requesting "203.0.113.115" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.115/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
    When the routing daemons of "tor" are killed with SIGKILL and started again
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.115/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |

  @ibgp @ipv6 @dualstack
  Scenario: Services change while a node's session is down; after recovery the router holds exactly the new set
    Given every node peers with "tor" over iBGP
    And a Service "default/gone" requesting "203.0.113.116" with a ready endpoint on "NodeA"
    And a Service "default/moved" requesting "203.0.113.117" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.116/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
      | 203.0.113.117/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
    When the link of "NodeA" toward "tor" goes down
    And the Service "default/gone" is deleted
    And the Service "default/moved" now requests "203.0.113.118"
    And a dual-stack Service "default/new" requesting "203.0.113.119, 2001:db8:300::119" with a ready endpoint on "NodeB" is created
    Then the session of "NodeA" with "tor" is down at the router
    And "tor" has exactly these routes:
      | prefix                | next hops | origin | as path | local pref | communities |
      | 203.0.113.118/32      | NodeB     | IGP    | empty   | unset      | none        |
      | 203.0.113.119/32      | NodeB     | IGP    | empty   | unset      | none        |
      | 2001:db8:300::119/128 | NodeB     | IGP    | empty   | unset      | none        |
    When the link of "NodeA" toward "tor" comes back up
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix                | next hops    | origin | as path | local pref | communities |
      | 203.0.113.118/32      | NodeA, NodeB | IGP    | empty   | unset      | none        |
      | 203.0.113.119/32      | NodeA, NodeB | IGP    | empty   | unset      | none        |
      | 2001:db8:300::119/128 | NodeA, NodeB | IGP    | empty   | unset      | none        |

  @ibgp
  Scenario: the configuration changes (pool, communities, localPref) while the router is down; it gets exactly the new routes
    Given every node peers with "tor" over iBGP
    And the manifest file "40-moving.yaml" is applied:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: moving
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.128/30
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: moving
        namespace: metallb-system
      spec:
        ipAddressPools: [moving]
        localPref: 100
        communities: ["64500:1"]
      """
    And a Service "default/web" requesting "203.0.113.120" with a ready endpoint on "NodeA"
    And a Service "default/auto" from the pool "moving" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities |
      | 203.0.113.120/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
      | 203.0.113.128/32 | NodeA, NodeB | IGP    | empty   | 100        | 64500:1     |
    When the router "tor" is stopped
    And the manifest file "40-moving.yaml" is applied:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: moving
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.132/30
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: moving
        namespace: metallb-system
      spec:
        ipAddressPools: [moving]
        localPref: 200
        communities: ["64500:2", "large:64500:7:7"]
      """
    Then every speaker has applied the changed configuration
    When the router "tor" starts again
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix           | next hops    | origin | as path | local pref | communities | large communities |
      | 203.0.113.120/32 | NodeA, NodeB | IGP    | empty   | unset      | none        | none              |
      | 203.0.113.132/32 | NodeA, NodeB | IGP    | empty   | 200        | 64500:2     | 64500:7:7         |
