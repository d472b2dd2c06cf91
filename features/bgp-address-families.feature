@bgp @ipv4 @ipv6 @ebgp
Feature: A BGPPeer carries only the address family of its peerAddress (MetalLB FRR mode)
  MetalLB's FRR mode activates a neighbour only in the family of its peerAddress (internal/bgp/frr/frr.go
  createConfig; templates/neighboripfamily.tmpl): an IPv4 BGPPeer gets IPv4 prefixes only, unless
  dualStackAddressFamily is set. The router here is willing to take both families on the IPv4 session,
  so only the speaker decides. This is where the reference and the MetalLB-FRR-style implementation
  (implementations/metallb-frr) disagreed: the reference sent the /128 over the IPv4 session (fixed since,
  issue 14). bgp-session has the iBGP twin of this scenario.

  Scenario: a dual-stack Service reaches an IPv4-only BGPPeer as its IPv4 route alone
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: both-families
      spec:
        addresses:
          - 203.0.113.200/30
          - fc00:f853:ccd:e799::/124
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: all
        namespace: metallb-system
      """
    And nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over eBGP through an IPv4 BGPPeer only, the router accepting both families
    And a dual-stack Service "default/web" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.200/32 | NodeA     | IGP    | 64500   | absent     | none        |
