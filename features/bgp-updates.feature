@bgp @updates @ibgp @ipv4
Feature: A change sends only what changed
  A speaker keeps what it told each peer (its Adj-RIB-Out): a new Service produces one UPDATE for its own
  route, not a re-announcement of every route it already sent (RFC 4271 9.2: routes are sent when they
  change). The two Services here carry different communities, so a needless re-announcement would need a
  message of its own and show in the router's count of UPDATEs received.

  Scenario: adding a Service sends one UPDATE, with its route only
    Given nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: first
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.96/29
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: second
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.104/29
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: first
        namespace: metallb-system
      spec:
        ipAddressPools: [first]
        communities: ["64500:1"]
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: second
        namespace: metallb-system
      spec:
        ipAddressPools: [second]
        communities: ["64500:2"]
      """
    And a Service "default/old" requesting "203.0.113.97" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.97/32 | NodeA     | IGP    | empty   | unset      | 64500:1     |
    When "tor" notes how many UPDATEs it has from "NodeA"
    And a Service "default/new" requesting "203.0.113.105" with a ready endpoint on "NodeA" is created
    Then "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.97/32  | NodeA     | IGP    | empty   | unset      | 64500:1     |
      | 203.0.113.105/32 | NodeA     | IGP    | empty   | unset      | 64500:2     |
    And "tor" has received exactly 1 more UPDATE from "NodeA" since
