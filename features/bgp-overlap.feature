@bgp @communities @overlap @ibgp @ipv4
Feature: Two advertisements producing the same prefix send it once, with the union of their communities
  When two BGPAdvertisements select the same pool with the same aggregation length, the router gets one
  route per node for the prefix (not two, not one per advertisement) carrying every community and large
  community of both, each once.

  Scenario: standard and large communities of two advertisements are merged on one route
    Given nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: overlap
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.80/28
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: first
        namespace: metallb-system
      spec:
        ipAddressPools: [overlap]
        communities:
          - 64500:1
          - 64500:2
          - large:4200000000:1:1
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: second
        namespace: metallb-system
      spec:
        ipAddressPools: [overlap]
        communities:
          - 64500:2
          - 64500:3
          - large:4200000000:1:1
          - large:4200000000:1:2
      """
    And a Service "default/web" requesting "203.0.113.81" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities               | large communities              |
      | 203.0.113.81/32 | NodeA     | IGP    | empty   | unset      | 64500:1, 64500:2, 64500:3 | 4200000000:1:1, 4200000000:1:2 |
