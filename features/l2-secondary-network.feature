@l2 @S7 @secondary-network @doc-27.2.9 @ipv4
Feature: S7 · Secondary network needs forwarding (doc 27.2.9)
  When the IP is announced on a secondary interface, traffic arrives there and the node must forward it
  to where the workload is. With forwarding off on that interface traffic does not get through; enabled
  per interface (with rp_filter off) it does. The announcement itself is the speaker's; forwarding is
  the node's prerequisite that the document describes.

  Scenario: announced on eth1, reachable only once the node forwards between its interfaces
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
        interfaces:
          - eth1
      """
    And nodes "NodeA" on the node segment through "eth0" with the host "backend", and on a second segment through "eth1" with the host "client"
    And a Service "default/web" requesting "4.4.4.1" with a ready endpoint on "NodeA"
    And "backend" holds the Service IP "4.4.4.1" and answers the second segment through "NodeA"
    And "NodeA" routes "4.4.4.1" to "backend"
    And "client" sends traffic for "4.4.4.1" out of eth0
    When the speaker runs on every node
    Then "client" gets exactly one answer for "4.4.4.1", from the elected node
    And "client" cannot reach "4.4.4.1"
    And the speaker on "NodeA" warns that forwarding is disabled on "eth1" if it reports events
    When IP forwarding is enabled on "NodeA" for the interfaces "eth0, eth1", with rp_filter off
    Then "client" reaches "4.4.4.1"
