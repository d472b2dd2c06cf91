@bgp @wire @ebgp @ipv4
Feature: The wire table: malformed messages, OPEN errors and RFC 7606 error handling, for any speaker
  The scripted peer (tools/bgp-peer/) is a BGPPeer of the speaker: it listens on TCP 179 and plays each
  case of its RFC 4271 / RFC 7606 table on a fresh connection from the speaker. Per case the wire
  decides: the exact NOTIFICATION and the connection closed (header, OPEN and UPDATE errors; for a
  message the state does not expect, 5/0 or RFC 6608's subcode of that state), the session kept with
  its keepalives (treat-as-withdraw, attribute discard; with route refresh, a ROUTE-REFRESH is answered
  after the case), or a NOTIFICATION from the peer never answered and the speaker connecting again.
  The table has two halves, one scenario each: the session half ends, on a fresh session, with the
  KEEPALIVE rate (every keepaliveTime, never more than one a second) and the NOTIFICATION Cease the
  speaker must send when it gets SIGTERM; the UPDATE half is RFC 4271 6.3 and RFC 7606.

  Background:
    Given nodes "NodeA" and the host "peer" on one segment
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: wire
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.200/30
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: wire
        namespace: metallb-system
      """
    And the scripted peer "peer" is a BGPPeer of every node over eBGP
    And a Service "default/web" requesting "203.0.113.200" with a ready endpoint on "NodeA"

  Scenario: header, OPEN and FSM errors, a NOTIFICATION from the peer, the keepalive rate and Cease
    When the scripted peer "peer" plays the session cases of the RFC 4271 and RFC 7606 table against the speaker on "NodeA"
    Then every case of the table had its outcome on the wire

  Scenario: UPDATE errors: session reset, treat-as-withdraw and attribute discard (RFC 4271 6.3, RFC 7606)
    When the scripted peer "peer" plays the update cases of the RFC 4271 and RFC 7606 table against the speaker on "NodeA"
    Then every case of the table had its outcome on the wire
