@bgp @interop @dualstack @ipv4 @ipv6
Feature: The speaker interoperates with FRR, GoBGP and BIRD as peers
  The same announcements, read back by three independent BGP implementations: one IPv4 and one IPv6
  BGPPeer per router (one family each), MP-BGP for both families over one IPv6 session
  (dualStackAddressFamily), standard and large communities, LOCAL_PREF on iBGP only, withdrawals, and a graceful
  stop (Cease) that removes the routes at once rather than after the hold time.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: interop
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.0/27
          - 2001:db8:100::/120
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: interop
        namespace: metallb-system
      spec:
        communities: ["64512:7", "large:4200000000:1:2"]
        localPref: 150
      """

  Scenario Outline: <router> over <session>: routes, attributes, withdraw and graceful stop
    Given nodes "NodeA" and the <router> router "peer" on one segment
    And every node peers with "peer" over <session>
    And a dual-stack Service "default/web" requesting "203.0.113.10, 2001:db8:100::10" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "peer" is Established
    And "peer" has exactly these routes:
      | prefix              | next hops | origin | as path   | local pref   | communities | large communities |
      | 203.0.113.10/32     | NodeA     | IGP    | <as path> | <local pref> | 64512:7     | 4200000000:1:2    |
      | 2001:db8:100::10/128 | NodeA    | IGP    | <as path> | <local pref> | 64512:7     | 4200000000:1:2    |
    When the Service "default/web" is deleted
    Then "peer" has no routes
    When a dual-stack Service "default/web2" requesting "203.0.113.11, 2001:db8:100::11" with a ready endpoint on "NodeA" is created
    Then "peer" has exactly these routes:
      | prefix              | next hops | origin | as path   | local pref   | communities | large communities |
      | 203.0.113.11/32     | NodeA     | IGP    | <as path> | <local pref> | 64512:7     | 4200000000:1:2    |
      | 2001:db8:100::11/128 | NodeA    | IGP    | <as path> | <local pref> | 64512:7     | 4200000000:1:2    |
    When the speaker on "NodeA" is stopped with SIGTERM
    Then "peer" has no routes well before the hold time

    @frr @ibgp
    Examples: FRR, iBGP
      | router | session | as path | local pref |
      | frr    | iBGP    | empty   | 150        |

    @frr @ebgp
    Examples: FRR, eBGP
      | router | session | as path | local pref |
      | frr    | eBGP    | 64500   | absent     |

    @gobgp @ibgp
    Examples: GoBGP, iBGP
      | router | session | as path | local pref |
      | gobgp  | iBGP    | empty   | 150        |

    @gobgp @ebgp
    Examples: GoBGP, eBGP
      | router | session | as path | local pref |
      | gobgp  | eBGP    | 64500   | absent     |

    @bird @ibgp
    Examples: BIRD, iBGP
      | router | session | as path | local pref |
      | bird   | iBGP    | empty   | 150        |

    @bird @ebgp
    Examples: BIRD, eBGP
      | router | session | as path | local pref |
      | bird   | eBGP    | 64500   | absent     |

  @dualstack-session
  Scenario Outline: <router> over <session> on IPv6 transport with dualStackAddressFamily: both families, graceful stop
    Given nodes "NodeA" and the <router> router "peer" on one segment
    And every node peers with "peer" over <session> on IPv6 transport
    And a dual-stack Service "default/web" requesting "203.0.113.12, 2001:db8:100::12" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "peer" is Established
    And "peer" has exactly these routes:
      | prefix               | next hops | origin | as path   | local pref   | communities | large communities |
      | 203.0.113.12/32      | NodeA     | IGP    | <as path> | <local pref> | 64512:7     | 4200000000:1:2    |
      | 2001:db8:100::12/128 | NodeA     | IGP    | <as path> | <local pref> | 64512:7     | 4200000000:1:2    |
    When the speaker on "NodeA" is stopped with SIGTERM
    Then "peer" has no routes well before the hold time

    @gobgp @ibgp
    Examples: GoBGP, iBGP, IPv6 transport
      | router | session | as path | local pref |
      | gobgp  | iBGP    | empty   | 150        |

    @gobgp @ebgp
    Examples: GoBGP, eBGP, IPv6 transport
      | router | session | as path | local pref |
      | gobgp  | eBGP    | 64500   | absent     |

    @bird @ibgp
    Examples: BIRD, iBGP, IPv6 transport
      | router | session | as path | local pref |
      | bird   | iBGP    | empty   | 150        |

    @bird @ebgp
    Examples: BIRD, eBGP, IPv6 transport
      | router | session | as path | local pref |
      | bird   | eBGP    | 64500   | absent     |
