@bgp @S1 @doc-27.2.2 @dualstack
Feature: S1 · Basic BGP advertisement (doc 27.2.2)
  The document's basic example: one pool with an IPv4 /30 and an IPv6 /124, one BGPAdvertisement that
  names it and sets nothing else. A dual-stack Service from that pool must reach the peer router as
  exactly one /32 and one /128, one path per announcing node, next hop = the node, origin IGP, no
  communities; on iBGP LOCAL_PREF 0 ("localPref is set to zero") or none at all (MetalLB's FRR mode;
  both conform, the form seen is attached to the scenario), none on eBGP; AS path empty on iBGP and the
  speaker's AS alone on eBGP. Deleting the Service withdraws both. A dual-stack cluster has one IPv4 and
  one IPv6 BGPPeer per router (a BGPPeer carries the family of its peerAddress).

  Background:
    Given the documented manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: doc-example-bgp-basic
      spec:
        addresses:
          - 203.0.113.200/30
          - fc00:f853:ccd:e799::/124
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: bgpadvertisement-basic
        namespace: metallb-system
      spec:
        ipAddressPools:
          - doc-example-bgp-basic
      """
    And nodes "NodeA, NodeB" and the router "tor" on one segment

  Scenario Outline: a dual-stack Service is announced as one /32 and one /128 per node over <session>, then withdrawn
    Given every node peers with "tor" over <session>
    And a dual-stack Service "default/web" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix                   | next hops    | origin | as path   | local pref   | communities |
      | 203.0.113.200/32         | NodeA, NodeB | IGP    | <as path> | <local pref> | none        |
      | fc00:f853:ccd:e799::/128 | NodeA, NodeB | IGP    | <as path> | <local pref> | none        |
    When the Service "default/web" is deleted
    Then "tor" has no routes

    @ibgp @ipv4 @ipv6
    Examples: iBGP (the router is in the speaker's AS)
      | session | as path | local pref |
      | iBGP    | empty   | unset      |

    @ebgp @ipv4 @ipv6
    Examples: eBGP (the router has a 4-octet ASN)
      | session | as path | local pref |
      | eBGP    | 64500   | absent     |
