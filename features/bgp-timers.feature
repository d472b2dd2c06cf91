@bgp @session @timers @ibgp @ipv4
Feature: BGP timers and graceful stop, as the router sees them
  The hold time of a session is the smaller of the two OPENs' (RFC 4271 4.2), whichever side offers less;
  keepalives then come at least every third of it (RFC 4271 4.4); a speaker stopped on purpose says so
  with a NOTIFICATION Cease (RFC 4271 6.7, RFC 4486), not merely by closing its socket; and a speaker that
  falls silent keeps its routes at the router until the negotiated hold time expires, not sooner. All of
  it is read from the router's own neighbour state (negotiated hold time, messages counted, last reset
  reason), never from the speaker. A BGPPeer's connectTime (MetalLB api/v1beta2 BGPPeer ConnectTime: "how
  long BGP waits between connection attempts", FRR `neighbor X timers connect N` in MetalLB's
  internal/bgp/frr templates) bounds the wait between attempts while the router is away, counted as SYNs
  at the router.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: timers
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.48/28
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: timers
        namespace: metallb-system
      spec:
        ipAddressPools: [timers]
      """
    And nodes "NodeA" and the router "tor" on one segment
    And a Service "default/web" requesting "203.0.113.49" with a ready endpoint on "NodeA"

  @holdtime @keepalive
  Scenario: the router offers less than the BGPPeer: its hold time is used and keepalives come every third of it
    Given every node peers with "tor" over iBGP with holdTime "30s" and keepaliveTime "10s"
    And "tor" offers a hold time of 6 s with keepalives every 2 s
    When the speaker runs on every node
    Then "tor" uses a hold time of 6 s with every node
    And "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.49/32 | NodeA     | IGP    | empty   | unset      | none        |
    And over 12 s "tor" receives a KEEPALIVE at least every 2 s from every node, with no session reset

  @holdtime @hold-expiry
  Scenario: the BGPPeer offers less than the router: its hold time is used, and a frozen speaker's routes go when it expires, not sooner
    Given every node peers with "tor" over iBGP with holdTime "9s" and keepaliveTime "3s"
    And "tor" offers a hold time of 30 s with keepalives every 10 s
    When the speaker runs on every node
    Then "tor" uses a hold time of 9 s with every node
    And "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.49/32 | NodeA     | IGP    | empty   | unset      | none        |
    When the speaker on "NodeA" freezes
    Then "tor" keeps "NodeA"'s routes for at least 5 s after the freeze and drops them within 12 s

  @cease
  Scenario: a graceful stop is a NOTIFICATION Cease at the router, and the routes go at once
    Given every node peers with "tor" over iBGP
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.49/32 | NodeA     | IGP    | empty   | unset      | none        |
    When the speaker on "NodeA" is stopped with SIGTERM
    Then "tor" received a NOTIFICATION Cease from "NodeA"
    And "tor" has no routes well before the hold time

  @reconnect
  Scenario: against a passive router that restarts, the speaker connects again by itself
    Given every node peers with "tor" over iBGP
    And "tor" only waits for the nodes to connect
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.49/32 | NodeA     | IGP    | empty   | unset      | none        |
    When "tor" restarts
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.49/32 | NodeA     | IGP    | empty   | unset      | none        |

  @reconnect @connect-time
  Scenario: connectTime bounds the wait between connection attempts while the router is away
    Given every node peers with "tor" over iBGP with connectTime "2s"
    And "tor" only waits for the nodes to connect
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.49/32 | NodeA     | IGP    | empty   | unset      | none        |
    When "tor" goes down, its address still answering
    Then over 14 s every node tries to connect to "tor" at least every 2 s
    When "tor" comes back
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.49/32 | NodeA     | IGP    | empty   | unset      | none        |
