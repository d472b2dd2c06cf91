@bgp @fields @doc-27.2.1
Feature: BGPAdvertisement and BGPPeer fields beyond the document's examples
  One scenario per field of the document's tables: who receives a route (peers, BGPPeer nodeSelectors),
  which pools an advertisement takes (ipAddressPoolSelectors, none = all), what the route carries
  (localPref iBGP vs eBGP, standard / large / alias communities), and how Service changes and bad
  configuration reach the router. Absence is proven against a route announced by the same change.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: east
        namespace: metallb-system
        labels:
          zone: east
      spec:
        addresses:
          - 203.0.113.0/28
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: west
        namespace: metallb-system
        labels:
          zone: west
      spec:
        addresses:
          - 203.0.113.16/28
      """

  @peers @ipv4 @ibgp @ebgp
  Scenario: an advertisement naming one peer is sent to that peer only, and localPref goes to iBGP only
    Given nodes "NodeA" and the routers "tor-a, tor-b" on one segment
    And every node peers with "tor-a" over iBGP
    And every node peers with "tor-b" over eBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: east-to-a
        namespace: metallb-system
      spec:
        ipAddressPools: [east]
        peers: [tor-a]
        localPref: 50
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: west-to-all
        namespace: metallb-system
      spec:
        ipAddressPools: [west]
        localPref: 70
      """
    And a Service "default/east-svc" from the pool "east" with a ready endpoint on "NodeA"
    And a Service "default/west-svc" from the pool "west" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "tor-a" is Established
    And "tor-a" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.0/32  | NodeA     | IGP    | empty   | 50         | none        |
      | 203.0.113.16/32 | NodeA     | IGP    | empty   | 70         | none        |
    And "tor-b" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.16/32 | NodeA     | IGP    | 64500   | absent     | none        |

  @poolselectors @ipv4 @ibgp
  Scenario: ipAddressPoolSelectors take pools by label; an advertisement naming no pool takes every pool
    Given nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: east-only
        namespace: metallb-system
      spec:
        ipAddressPoolSelectors:
          - matchExpressions:
              - key: zone
                operator: In
                values: [east]
        communities: ["64500:1"]
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: every-pool
        namespace: metallb-system
      spec:
        aggregationLength: 28
        communities: ["64500:2"]
      """
    And a Service "default/east-svc" from the pool "east" with a ready endpoint on "NodeA"
    And a Service "default/west-svc" from the pool "west" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.0/32  | NodeA     | IGP    | empty   | unset      | 64500:1     |
      | 203.0.113.0/28  | NodeA     | IGP    | empty   | unset      | 64500:2     |
      | 203.0.113.16/28 | NodeA     | IGP    | empty   | unset      | 64500:2     |

  @communities @ipv4 @ebgp
  Scenario: standard, large and alias communities arrive as numbers
    Given nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over eBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: Community
      metadata:
        name: communities
        namespace: metallb-system
      spec:
        communities:
          - name: NO_ADVERTISE
            value: 65535:65282
          - name: team-large
            value: large:4200000000:7:8
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: tagged
        namespace: metallb-system
      spec:
        ipAddressPools: [east]
        communities:
          - 65000:100
          - NO_ADVERTISE
          - large:1:2:3
          - team-large
      """
    And a Service "default/east-svc" from the pool "east" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities              | large communities      |
      | 203.0.113.0/32 | NodeA     | IGP    | 64500   | absent     | 65000:100, 65535:65282   | 1:2:3, 4200000000:7:8  |

  @lifecycle @ipv4 @ibgp
  Scenario: a Service's life (create, change its IP, delete) leaves no stale route
    Given nodes "NodeA, NodeB" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: all
        namespace: metallb-system
      """
    And a Service "default/web" requesting "203.0.113.5" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix         | next hops    | origin | as path | local pref | communities |
      | 203.0.113.5/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
    When the Service "default/web" now requests "203.0.113.20"
    Then "tor" has exactly these routes:
      | prefix          | next hops    | origin | as path | local pref | communities |
      | 203.0.113.20/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
    When the Service "default/web" is deleted
    Then "tor" has no routes

  @etp-local @ipv4 @ibgp
  Scenario: externalTrafficPolicy Local is announced only from nodes with a ready local endpoint
    Given nodes "NodeA, NodeB" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: all
        namespace: metallb-system
      """
    And a Service "default/local" with externalTrafficPolicy Local requesting "203.0.113.7" with a ready endpoint on "NodeB"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.7/32 | NodeB     | IGP    | empty   | unset      | none        |
    When the Service "default/local"'s ready endpoint moves to "NodeA"
    Then "tor" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.7/32 | NodeA     | IGP    | empty   | unset      | none        |

  @peer-nodeselectors @ipv4 @ibgp
  Scenario: a BGPPeer with nodeSelectors is peered only from the selected nodes
    Given nodes "NodeA, NodeB" and the router "tor" on one segment
    And only "NodeA" peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: all
        namespace: metallb-system
      """
    And a Service "default/web" requesting "203.0.113.9" with a ready endpoint on "NodeB"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.9/32 | NodeA     | IGP    | empty   | unset      | none        |
    And only "NodeA" has a session with "tor"

  @node-relabel @ipv4 @ibgp
  Scenario: relabelling a Node moves the announcement without restarting anything
    Given nodes "NodeA, NodeB" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And the Node "NodeA" is labelled "bgp=on"
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: labelled-nodes
        namespace: metallb-system
      spec:
        nodeSelectors:
          - matchLabels:
              bgp: "on"
      """
    And a Service "default/web" requesting "203.0.113.3" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.3/32 | NodeA     | IGP    | empty   | unset      | none        |
    When the Node "NodeA" is labelled "bgp=off"
    And the Node "NodeB" is labelled "bgp=on"
    Then "tor" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.3/32 | NodeB     | IGP    | empty   | unset      | none        |

  @bad-config @ipv4 @ibgp
  Scenario: a bad configuration applied to a running speaker is rejected, reported, and the last good routes stay
    Given nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: all
        namespace: metallb-system
      """
    And a Service "default/web" requesting "203.0.113.4" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.4/32 | NodeA     | IGP    | empty   | unset      | none        |
    When the manifest file "40-bad.yaml" is applied:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: overlapping
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.0/24
      """
    Then the speaker on "NodeA" keeps its last good configuration, reporting it rejected with "POOL_OVERLAP" if it reports events
    And "tor" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.4/32 | NodeA     | IGP    | empty   | unset      | none        |
    When the manifest file "40-bad.yaml" is removed
    And the Service "default/web" now requests "203.0.113.6"
    Then "tor" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.6/32 | NodeA     | IGP    | empty   | unset      | none        |

  @bad-input @faults
  # The router is called gw: the corpus names its own peers tor, and a duplicate name would mask the
  # rule each file is about.
  Scenario: every invalid manifest of the corpus is rejected by a running speaker, which keeps announcing
    Given nodes "NodeA" and the router "gw" on one segment
    And every node peers with "gw" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: all
        namespace: metallb-system
      """
    And a Service "default/web" requesting "203.0.113.8" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "gw" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.8/32 | NodeA     | IGP    | empty   | unset      | none        |
    When every manifest of the invalid corpus is applied to the speaker on "NodeA" in turn
    Then the speaker on "NodeA" is still running
    And every node's session with "gw" is Established
    And "gw" has exactly these routes:
      | prefix         | next hops | origin | as path | local pref | communities |
      | 203.0.113.8/32 | NodeA     | IGP    | empty   | unset      | none        |
