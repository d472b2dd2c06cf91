@bgp @md5 @ibgp @ipv4 @doc-27.2.1
Feature: BGPPeer password: TCP MD5 signatures (RFC 2385)
  A BGPPeer with `password` signs its TCP segments. The session comes up when the router expects the
  same key and never comes up with a different one.

  Scenario: the node with the matching password peers and announces; the node with a wrong one never peers
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: md5
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.64/28
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: md5
        namespace: metallb-system
      """
    And nodes "NodeA, NodeB" and the router "tor" on one segment
    And every node peers with "tor" over iBGP with TCP MD5, the router expecting "s3cret-key" and the nodes using:
      | node  | password   |
      | NodeA | s3cret-key |
      | NodeB | wrong-key  |
    And a Service "default/web" requesting "203.0.113.65" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops | origin | as path | local pref | communities |
      | 203.0.113.65/32 | NodeA     | IGP    | empty   | unset      | none        |
    And only "NodeA" has a session with "tor"
