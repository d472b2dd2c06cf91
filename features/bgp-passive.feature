@bgp @passive @ibgp @ipv4
Feature: The speaker's passive side: a configured peer may open the session
  The speaker listens on TCP 179 and hands a connection from a configured peer to that peer's
  session (RFC 4271 8.2.1 passive establishment; collisions per 6.8). A connection from any other
  address is closed at once. A peer's TCP MD5 key is on the listening socket, so an MD5 peer can
  connect too. Here the nodes' own attempts go to a port where nothing listens: only the router's
  connections can bring the session up.

  Scenario Outline: the router connects to the node <md5> TCP MD5; a stranger is refused
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: passive
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.48/28
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: passive
        namespace: metallb-system
      """
    And nodes "NodeA" and the routers "tor, stranger" on one segment
    And "tor" connects to every node over iBGP <md5> TCP MD5, while the nodes' own attempts go to a closed port
    And "stranger" tries to peer with every node, which has no BGPPeer for it
    And a Service "default/web" requesting "203.0.113.49" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.49/32 | NodeA     | IGP    | empty   | unset      | none        |
    And the speaker on "NodeA" took the session with "tor" inbound
    And the speaker on "NodeA" refuses "stranger", which never gets a session

    @md5
    Examples: with MD5
      | md5  |
      | with |

    Examples: without MD5
      | md5     |
      | without |
