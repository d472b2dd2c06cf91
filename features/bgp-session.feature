@bgp @session @dualstack @ipv4 @ipv6 @ibgp @doc-27.2.1
Feature: BGP session behaviour against FRR: IPv6 transport, route refresh, peer restart
  Address families per BGPPeer (one family unless dualStackAddressFamily, IPv4 or IPv6 transport), and
  the speaker's sessions must survive what routers do: a session over IPv6 carrying both families,
  a ROUTE-REFRESH asking for everything again, and a router restart after which every route returns.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: sess
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.96/28
          - 2001:db8:200::/120
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: sess
        namespace: metallb-system
      """
    And nodes "NodeA" and the router "tor" on one segment

  @dualstack-session
  Scenario: with dualStackAddressFamily a session over IPv6 transport carries IPv4 and IPv6 routes with the node's addresses as next hops
    Given every node peers with "tor" over iBGP on IPv6 transport
    And a dual-stack Service "default/web" requesting "203.0.113.97, 2001:db8:200::97" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix              | next hops | origin | as path | local pref | communities |
      | 203.0.113.97/32     | NodeA     | IGP    | empty   | unset      | none        |
      | 2001:db8:200::97/128 | NodeA    | IGP    | empty   | unset      | none        |

  # MetalLB internal/bgp/frr/frr.go (createConfig) and config.go (activateNeighborFor): a neighbour is
  # activated in the family of its peerAddress, in both only with dualStackAddressFamily.
  @dualstack-session
  Scenario: with dualStackAddressFamily one IPv4 session carries both families
    Given every node peers with "tor" over iBGP in one session with dualStackAddressFamily
    And a dual-stack Service "default/web" requesting "203.0.113.100, 2001:db8:200::a0" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix                | next hops | origin | as path | local pref | communities |
      | 203.0.113.100/32      | NodeA     | IGP    | empty   | unset      | none        |
      | 2001:db8:200::a0/128 | NodeA     | IGP    | empty   | unset      | none        |

  Scenario: without dualStackAddressFamily an IPv4 BGPPeer gets no IPv6 route, though the router would take one
    Given every node peers with "tor" over iBGP through an IPv4 BGPPeer only, the router accepting both families
    And a dual-stack Service "default/web" requesting "203.0.113.101, 2001:db8:200::a1" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.101/32 | NodeA     | IGP    | empty   | unset      | none        |
    And "tor" never holds "2001:db8:200::a1/128" while its IPv4 route stays

  @faults @route-refresh
  Scenario: route refresh and a router restart lose nothing
    Given every node peers with "tor" over eBGP
    And a dual-stack Service "default/web" requesting "203.0.113.98, 2001:db8:200::98" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix              | next hops | origin | as path | local pref | communities |
      | 203.0.113.98/32     | NodeA     | IGP    | 64500   | absent     | none        |
      | 2001:db8:200::98/128 | NodeA    | IGP    | 64500   | absent     | none        |
    When "tor" asks every node for a route refresh
    Then "tor" sent "NodeA" a route refresh and got its routes again
    And "tor" has exactly these routes:
      | prefix              | next hops | origin | as path | local pref | communities |
      | 203.0.113.98/32     | NodeA     | IGP    | 64500   | absent     | none        |
      | 2001:db8:200::98/128 | NodeA    | IGP    | 64500   | absent     | none        |
    When "tor" restarts
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix              | next hops | origin | as path | local pref | communities |
      | 203.0.113.98/32     | NodeA     | IGP    | 64500   | absent     | none        |
      | 2001:db8:200::98/128 | NodeA    | IGP    | 64500   | absent     | none        |

  @faults
  Scenario: a peer gone silent is dropped on hold-timer expiry and the session comes back when it returns
    Given every node peers with "tor" over iBGP
    And a Service "default/web" requesting "203.0.113.99" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.99/32 | NodeA     | IGP    | empty   | unset      | none        |
    When "tor" goes silent until the speaker on "NodeA" closes the session on hold-timer expiry
    Then "tor" saw its session with "NodeA" drop and come back
    And every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.99/32 | NodeA     | IGP    | empty   | unset      | none        |
