@l2 @S4 @doc-27.2.6
Feature: S4 · L2 advertisement (doc 27.2.6)
  A host on the node segment resolving the Service IP (ARP for IPv4, neighbour solicitation for IPv6)
  gets an answer from exactly one node: the elected one (sha256(node#ip) order among live speakers).
  When that node's speaker dies, another node takes the IP over, announces it gratuitously, and the
  host's neighbour entry moves to the new MAC.

  Background:
    Given the documented manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: doc-example-l2
      spec:
        addresses:
          - 4.4.4.0/24
        autoAssign: false
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: l2advertisement
        namespace: metallb-system
      spec:
        ipAddressPools:
          - doc-example-l2
      """
    And nodes "NodeA, NodeB, NodeC" and the host "client" on one segment

  @ipv4
  Scenario: exactly one node answers ARP for the Service IP, and another takes over when it dies
    Given a Service "default/web" requesting "4.4.4.1" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "client" gets exactly one answer for "4.4.4.1", from the elected node
    When the elected node for "4.4.4.1" loses its speaker (SIGKILL) while "client" listens
    Then another node takes "4.4.4.1" over: "client" gets exactly one answer from the new owner, saw its gratuitous announcement, and its neighbour entry moved

  @ipv4 @l2-status
  Scenario: a node that rejoins without winning does not move the IP (no flapping)
    Given a Service "default/web" requesting "4.4.4.1" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "client" gets exactly one answer for "4.4.4.1", from the elected node
    When a node that does not own "4.4.4.1" restarts its speaker while "client" listens
    Then "client" still gets exactly one answer for "4.4.4.1" from the same node, and no other node announced it

  @ipv6
  Scenario: exactly one node answers neighbour solicitations for an IPv6 Service IP, and another takes over
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: l2-v6
      spec:
        addresses:
          - 2001:db8:44::/120
        autoAssign: false
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: l2-v6
        namespace: metallb-system
      spec:
        ipAddressPools:
          - l2-v6
      """
    And a Service "default/web6" requesting "2001:db8:44::10" with a ready endpoint on "NodeB"
    When the speaker runs on every node
    Then "client" gets exactly one answer for "2001:db8:44::10", from the elected node
    When the elected node for "2001:db8:44::10" loses its speaker (SIGKILL) while "client" listens
    Then another node takes "2001:db8:44::10" over: "client" gets exactly one answer from the new owner, saw its gratuitous announcement, and its neighbour entry moved
