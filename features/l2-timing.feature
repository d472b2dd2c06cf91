@l2 @takeover @ipv4
Feature: L2 takeover timing and a membership partition that heals
  After a takeover the new owner announces the IP gratuitously as the README documents: at once, then
  every 1.1 s for 5 s, and then stops (request and reply each round; for an IPv6 address an unsolicited
  NA, Override set, to ff02::1). A node cut off from the others'
  membership traffic (ARP still flowing) believes it is alone and answers too; once the partition heals,
  exactly one node, the elected one, answers again within the L2 answer timeout.

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
    And a Service "default/web" requesting "4.4.4.1" with a ready endpoint on "NodeA"

  @gratuitous
  Scenario: the new owner announces at once, then every 1.1 s for 5 s, then no more
    When the speaker runs on every node
    Then "client" gets exactly one answer for "4.4.4.1", from the elected node
    When the elected node for "4.4.4.1" loses its speaker (SIGKILL) while "client" listens
    Then over the next 9 s "client" sees the new owner of "4.4.4.1" announce it gratuitously at once, then every 1100 ms for 5000 ms, and then no more

  @ipv6 @gratuitous
  Scenario: for an IPv6 address the new owner sends unsolicited NAs at once, then every 1.1 s for 5 s, then no more
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
    And a Service "default/web6" requesting "2001:db8:44::10" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "client" gets exactly one answer for "2001:db8:44::10", from the elected node
    When the elected node for "2001:db8:44::10" loses its speaker (SIGKILL) while "client" listens
    Then over the next 9 s "client" sees the new owner of "2001:db8:44::10" announce it gratuitously at once, then every 1100 ms for 5000 ms, and then no more

  @partition
  Scenario: a membership partition that heals leaves exactly one owner again
    When the speaker runs on every node
    Then "client" gets exactly one answer for "4.4.4.1", from the elected node
    When a node that does not answer for "4.4.4.1" is cut off from the membership traffic of the others
    Then "client" gets answers for "4.4.4.1" from both the elected node and the cut-off node
    When the partition heals
    Then "client" gets exactly one answer for "4.4.4.1", from the elected node
